"""The first stage of the pipeline: archive folder -> events -> Whoosh index.

``parse`` turns Markdown pages and day listings into :class:`~indexer.event.Event`
values (the contract with ``search/``), ``analysis`` and ``schema`` say how an event
becomes searchable terms, and ``build`` writes complete index generations atomically,
incrementally where the archive changed (``workers`` does the indexing, in parallel for
a full build; ``store`` keeps the generations and their manifests). ``whoosh_compat`` is
the one module that reaches into Whoosh beyond its public API.
"""
