"""The third stage: serving ``search`` over HTTP to three kinds of user.

Readers get HTML pages (``pages``) that work without JavaScript; browsers get an
OpenSearch description, suggestions and result feeds (``opensearch``, ``feeds``);
other sites get a versioned JSON API with CORS and an embeddable widget (``api``,
``static/embed.js``). Every page's data comes from ``data``, so each HTML page has a
JSON twin with the same content.
"""
