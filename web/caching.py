"""ETag and Cache-Control: a response depends only on the URL and the index generation."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response


def etag_for(request: Request, generation: str) -> str:
    digest = hashlib.blake2b(str(request.url).encode(), digest_size=8).hexdigest()
    return f'W/"{generation}-{digest}"'


def conditional(
    request: Request, generation: str, max_age: int, make: Callable[[], Response]
) -> Response:
    """304 when the client already has this generation's answer, else *make()* tagged."""
    etag = etag_for(request, generation)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
    }
    candidates = {t.strip() for t in request.headers.get("if-none-match", "").split(",")}
    if etag in candidates or "*" in candidates:
        return Response(status_code=304, headers=headers)
    response = make()
    response.headers.update(headers)
    return response
