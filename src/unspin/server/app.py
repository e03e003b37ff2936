"""The FastAPI app: JSON API under /v1/, the web page at /, read-only store pages at /store.

The pipeline is built once at start-up. At most ``concurrency`` requests are analysed at once,
sharing pipeline batches (``batching.py``), with ``queue`` more waiting (429 beyond), each within
``time_limit`` seconds (504).
Errors are JSON ``{"error", "detail"}``; no stack trace ever reaches a client.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..analysis import SCHEMA_ID
from ..errors import InputError
from .batching import Batcher
from .errors import error_responses
from .limits import AnalysisSlots, BodyLimit, Busy

log = logging.getLogger("unspin.server")
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
            "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'")


@dataclass
class Settings:
    token: str | None = None
    max_request_bytes: int = 2_000_000
    time_limit: float = 30.0
    concurrency: int = 16  # requests admitted at once; they share pipeline batches of this many articles
    queue: int = 64
    batch_limit: int = 32
    store: Path | None = None  # a scan store to browse (read-only)
    factchecks: Path | None = None  # the fact-check store for /v1/factchecks/search
    analyzers: list[str] | None = None
    fast: bool = False


class ArticleIn(BaseModel):
    # One of text or html is required; the schema says so, so that generated clients know.
    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["text"]}, {"required": ["html"]}]})

    text: str | None = Field(None, min_length=1, description="Plain text: headline line, empty line, body (or "
                                                            "body only when title is given)")
    html: str | None = Field(None, min_length=1, description="An HTML page instead of text")
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    id: str | None = None


class BatchIn(BaseModel):
    # Each item is checked on its own (``_article``), so that one malformed item gets an error entry
    # and the rest are still analysed; the schema still tells clients that items are articles.
    documents: list[Any] = Field(..., json_schema_extra={"items": {"$ref": "#/components/schemas/ArticleIn"}})


class ApiError(Exception):
    def __init__(self, status: int, error: str, detail: str):
        self.status, self.error, self.detail = status, error, detail


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    from ..ingest import Limits
    from ..pipeline import Pipeline, resolve

    # The fact-check store given to the server is the one analyses match against too, not only the
    # one /v1/factchecks/search reads.
    config = ({"claims": {"store": str(settings.factchecks)}}
              if settings.factchecks and "claims" in resolve(settings.analyzers, fast=settings.fast) else None)
    pipeline = Pipeline(settings.analyzers, fast=settings.fast, config=config)
    limits = Limits.from_env()  # the CLI's text limit, read once: a bad setting stops the start
    slots = AnalysisSlots(settings.concurrency, settings.queue)
    batcher = Batcher(lambda docs: list(pipeline.analyze(docs)), max_docs=settings.concurrency)
    app = FastAPI(title="unspin", version=__version__, docs_url=None, redoc_url=None,
                  description="How a news article works on its reader, with character-exact evidence. "
                              f"Analyses use the {SCHEMA_ID} JSON.")
    app.state.settings, app.state.pipeline = settings, pipeline
    _install_errors(app)
    _install_security(app, settings)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)

    async def run_analysis(docs):
        """Run the documents in the next shared pipeline batch. On timeout the client gets 504 at
        once, but the slot stays taken until the analysis really finishes, so the bound holds."""
        try:
            await slots.acquire()
        except Busy:
            raise ApiError(429, "busy", "too many analyses in progress; retry shortly") from None
        task = asyncio.ensure_future(batcher.submit(docs))
        task.add_done_callback(lambda _: slots.release())
        done, _ = await asyncio.wait({task}, timeout=settings.time_limit)
        if not done:
            raise ApiError(504, "timeout", f"analysis took longer than {settings.time_limit:g} s")
        return task.result()

    # -- API -----------------------------------------------------------------------------------
    @app.get("/v1/health", tags=["service"], responses=error_responses())
    async def health():
        return {"status": "ok"}

    @app.get("/v1/version", tags=["service"], responses=error_responses())
    async def version():
        return {"unspin": __version__, "schema": SCHEMA_ID, "analyzers": pipeline.versions}

    @app.post("/v1/analyze", tags=["analysis"],
              responses={200: {"description": f"An {SCHEMA_ID} object (or an HTML fragment with format=html)"},
                         **error_responses(400, 413, 422, 429, 504)})
    async def analyze(article: ArticleIn, format: str = Query("json", pattern="^(json|html)$")):
        """Analyse one article given as text or HTML."""
        doc = _document(article, limits)
        (analysis,) = await run_analysis([doc])
        if format == "html":
            from ..render.html import render_fragment

            return HTMLResponse(render_fragment(analysis))
        return JSONResponse(analysis.to_dict())

    @app.post("/v1/analyze/batch", tags=["analysis"], responses=error_responses(400, 413, 422, 429, 504))
    async def analyze_batch(batch: BatchIn):
        """Analyse up to ``batch_limit`` articles; a bad one gets an error entry, the rest go on."""
        if len(batch.documents) > settings.batch_limit:
            raise ApiError(413, "batch_too_large", f"at most {settings.batch_limit} documents per batch")
        results: list[dict | None] = []
        docs, where = [], []
        for i, article in enumerate(batch.documents):
            try:
                docs.append(_document(_article(article, i), limits))
                where.append(i)
                results.append(None)
            except ApiError as exc:
                results.append({"error": exc.error, "detail": exc.detail})
        for i, analysis in zip(where, await run_analysis(docs) if docs else []):
            results[i] = analysis.to_dict()
        return {"results": results}

    @app.get("/v1/factchecks/search", tags=["fact-checks"],
             responses=error_responses(404, 422, not_found="No fact-check store on this server"))
    async def factcheck_search(q: str = Query(..., min_length=3, max_length=2000),
                               k: int = Query(5, ge=1, le=50)):
        """Fact-checks in the local store that match the text, best first."""
        from ..factchecks.service import search

        try:
            return {"results": await asyncio.to_thread(search, q, settings.factchecks, k)}
        except InputError as exc:
            raise ApiError(404, "no_store", exc.message) from None

    # -- web page --------------------------------------------------------------------------------
    static = Path(str(resources.files("unspin.server").joinpath("static")))
    assets = Path(str(resources.files("unspin.render").joinpath("assets")))
    app.mount("/static/report", StaticFiles(directory=assets), name="report-assets")
    _install_docs(app)  # mounts /static/swagger, which must come before the /static catch-all
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    async def index():
        return HTMLResponse((static / "index.html").read_text(encoding="utf-8"))

    if settings.store:
        from .store_pages import install_store_pages

        install_store_pages(app, settings.store)
    return app


def _article(item: object, index: int) -> ArticleIn:
    try:
        return ArticleIn.model_validate(item)
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", _problems(exc.errors(), f"body.documents.{index}")) from None


def _problems(errors: list[dict], prefix: str = "") -> str:
    """Pydantic's errors as one line: ``where: what; ...``."""
    return "; ".join(".".join(str(p) for p in (prefix, *e["loc"]) if p != "") + f": {e['msg']}" for e in errors)


def _document(article: ArticleIn, limits):
    try:
        doc = _parse(article)
        if doc is not None:
            limits.check_text(doc.text)
            return doc
    except InputError as exc:
        raise ApiError(422, "bad_input", exc.message) from None
    raise ApiError(422, "bad_input", "give the article as 'text' or 'html'")


def _parse(article: ArticleIn):
    from ..ingest import parse_html, parse_text

    meta = {k: v for k, v in {"url": article.url, "outlet": article.outlet, "published": article.published,
                              "id": article.id}.items() if v}
    if article.html:
        return parse_html(article.html, title=article.title, **meta)
    if article.text and article.text.strip():
        if article.title is not None:
            from ..document import Document

            return Document(title=article.title, body=article.text.replace("\r\n", "\n"), **meta)
        return parse_text(article.text, **meta)
    return None


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError):
        return JSONResponse({"error": exc.error, "detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError):
        return JSONResponse({"error": "invalid_request", "detail": _problems(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException):
        # Keep the exception's headers: a 405 must say which methods are allowed (Allow).
        return JSONResponse({"error": "http_error", "detail": str(exc.detail)}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception):
        log.exception("internal error")  # the traceback goes to the server log, not the client
        return JSONResponse({"error": "internal_error", "detail": "the server failed to analyse this request"},
                            status_code=500)


def _install_security(app: FastAPI, settings: Settings) -> None:
    @app.middleware("http")
    async def guard(request: Request, call_next):
        path = request.url.path
        if settings.token and (path.startswith("/v1/") or path.startswith("/store")):
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() \
                or request.headers.get("x-unspin-token", "")
            if not hmac.compare_digest(given.encode(), settings.token.encode()):
                return JSONResponse({"error": "unauthorized", "detail": "a valid access token is required "
                                     "(Authorization: Bearer <token>)"}, status_code=401)
        response: Response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if path == "/docs" else PAGE_CSP)
        return response


def _install_docs(app: FastAPI) -> None:
    """Swagger UI from the swagger-ui-bundle package: the docs work offline too."""
    from fastapi.openapi.docs import get_swagger_ui_html

    try:
        import swagger_ui_bundle
    except ImportError:  # the API still publishes /openapi.json
        return
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="unspin API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg")
