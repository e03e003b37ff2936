"""The one error shape of the API, ``{"error", "detail"}``, as the OpenAPI description declares it.

FastAPI would otherwise document its own 422 body (``detail`` as a list), which is not what the
API sends, and leave out the other statuses; a client generated from /openapi.json must get both
right."""
from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    error: str = Field(description="A stable code: invalid_request, bad_input, not_found, no_store, busy, "
                                   "timeout, request_too_large, batch_too_large, unauthorized, internal_error")
    detail: str = Field(description="What went wrong, in one sentence")


_MEANING = {
    400: "The body is not JSON (or not UTF-8)",
    401: "No valid access token (the server was started with one)",
    404: "Not found",
    413: "The request body is over the size limit, or a batch has too many documents",
    422: "A missing or malformed field, or an article that cannot be analysed (empty, binary, too long)",
    429: "Too many analyses in progress; retry shortly",
    500: "The server failed; no detail of it is given",
    504: "The analysis took longer than the server's time limit",
}


def error_responses(*statuses: int, not_found: str | None = None) -> dict:
    """The ``responses=`` of a route: these statuses, and 401 and 500 that any route may give, each
    with the error body (a route that reads input lists 422 itself)."""
    return {s: {"model": ErrorOut, "description": not_found if s == 404 and not_found else _MEANING[s]}
            for s in (*statuses, 401, 500)}
