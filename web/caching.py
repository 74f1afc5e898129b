"""ETag and Cache-Control: a response depends only on the URL, the index generation and
the day (:func:`version`).

The ETag is weak (``W/``): it names the answer's meaning, which is the same whether
``GZipMiddleware`` sends it compressed or not, so one tag serves both encodings and a
compressed client's ``If-None-Match`` gets its 304. ``Vary: Accept-Encoding`` is added
by ``GZipMiddleware`` to every answer large enough to compress; a 304 carries it here
(RFC 9110 asks a 304 for the Vary its 200 would have sent).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response


def version(generation: str, today: dt.date | None = None) -> str:
    """What an answer depends on besides its URL: the index *generation*, and the day.
    Pages show today (the home page's "on this day", a citation's access date), so an
    answer kept or tagged yesterday (here, in web.response_cache, by clients) is not
    today's, though the generation is the same."""
    return f"{generation}.{today or dt.date.today():%Y%m%d}"


def etag_for(request: Request, generation: str) -> str:
    digest = hashlib.blake2b(str(request.url).encode(), digest_size=8).hexdigest()
    return f'W/"{generation}-{digest}"'


def conditional(
    request: Request,
    generation: str,
    max_age: int,
    make: Callable[[], Response],
    headers: Mapping[str, str] | None = None,
) -> Response:
    """304 when the client already has this generation's answer, else *make()* tagged;
    both with *headers* too."""
    etag = etag_for(request, generation)
    tagged = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}", **(headers or {})}
    candidates = {t.strip() for t in request.headers.get("if-none-match", "").split(",")}
    if etag in candidates or "*" in candidates:
        return Response(status_code=304, headers={**tagged, "Vary": "Accept-Encoding"})
    response = make()
    response.headers.update(tagged)
    return response
