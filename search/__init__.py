"""The second stage: answering questions about an index built by ``indexer``.

``query`` turns what a reader typed into a Whoosh query (pure functions), ``engine``
evaluates it over a generation with per-searcher numpy arrays, ``facets``,
``highlight``, ``spelling`` and ``suggest`` shape the answer, ``related`` and ``browse``
walk the link data, and ``service.Search`` is the one facade the CLI and web use.
"""
