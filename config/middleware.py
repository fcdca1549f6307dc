"""Middleware for serving safely: bounded request bodies, no caching of private pages."""

import tempfile
from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

CHUNK = 64 * 1024


class RequestBodyLimitMiddleware:
    """Refuse a request body over REQUEST_MAX_BODY_BYTES with 413, before reading it.

    Django only reads a body up to its Content-Length, and reads that lazily, so a
    declared length over the limit is refused here without reading a byte. A
    chunked body (no Content-Length; gunicorn decodes it and marks the stream
    `wsgi.input_terminated`) is read here, at most one byte past the limit, into
    a temporary file that spills to disk, and handed on with its length;
    otherwise Django would silently see it as empty.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit: int = settings.REQUEST_MAX_BODY_BYTES
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                return _refuse(request, 400, "The request’s length is not a number.")
            if length > limit:
                return _too_large(request)
        elif _is_chunked(request):
            with tempfile.SpooledTemporaryFile(settings.FILE_UPLOAD_MAX_MEMORY_SIZE) as spooled:
                stream = request.META["wsgi.input"]
                size = 0
                while chunk := stream.read(min(CHUNK, limit + 1 - size)):
                    size += len(chunk)
                    if size > limit:
                        return _too_large(request)
                    spooled.write(chunk)
                spooled.seek(0)
                request.META["CONTENT_LENGTH"] = str(size)
                request._stream = LimitedStream(spooled, size)  # type: ignore[assignment,arg-type]
                return self.get_response(request)
        return self.get_response(request)


def _is_chunked(request: HttpRequest) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower() and bool(
        request.META.get("wsgi.input_terminated")
    )


def _too_large(request: HttpRequest) -> HttpResponse:
    return _refuse(
        request,
        413,
        f"The largest file you can upload is {filesizeformat(settings.EVIDENCE_MAX_UPLOAD_BYTES)}.",
    )


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    title = "The file is too large" if status == 413 else "There is a problem with the request"
    context = {"title": title, "message": message, "too_large": status == 413}
    # No "Connection: close" (WSGI forbids hop-by-hop headers from the app): with
    # a body left unread, gunicorn drains a bounded amount and then closes.
    return render(request, "413.html", context, status=status)


class PrivateCacheControlMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in person.

    Pages, exports and evidence files show one authority's plan to someone allowed
    to see it; no shared proxy, nor the browser's disk cache on a shared computer,
    should keep a copy. Static files are served by whitenoise before this runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
            del response["Expires"]
        return response
