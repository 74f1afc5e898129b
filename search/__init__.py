"""The second stage: answering questions about an index built by ``indexer``.

``query`` turns what a reader typed into a Whoosh query (pure functions); ``matches``
holds the set algebra and BM25 over numpy arrays, ``evaluate`` applies them to a query
tree, ``snapshot`` is one open generation with what is derived from it once, and
``handle`` swaps in each new generation. ``facets``, ``highlight``, ``spelling`` and
``suggest`` shape the answer, ``related`` and ``browse`` walk the link data, and
``service.Search`` is the one facade the CLI and web use.
"""
