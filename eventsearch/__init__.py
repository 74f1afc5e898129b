"""eventsearch: full-text search for archives of news events.

The distribution ties three layers together: ``indexer`` (archive -> Whoosh index),
``search`` (queries, facets, related events) and ``web`` (HTML pages, OpenSearch and a
JSON API). This package holds only what spans them: the command line and settings.
"""

__version__ = "0.1.0"
