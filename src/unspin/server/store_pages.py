"""Read-only pages and API over a scan store: outlets, their documents, one document annotated."""
from __future__ import annotations

import threading
from pathlib import Path

from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse, JSONResponse

from .errors import error_responses

PAGE_SIZE = 50
MAX_PAGE = 10_000_000  # 500 million documents; a larger page number overflowed DuckDB's OFFSET (a 500)


def install_store_pages(app: FastAPI, store_path: Path) -> None:
    from ..database import connect
    from ..render.html import _env, asset, render_fragment
    from ..store.db import load_analysis

    root = connect(store_path, read_only=True, tables=("documents",))
    lock = threading.Lock()

    def cursor():
        with lock:  # cursors are per thread; creating them is cheap
            return root.cursor()

    def outlets() -> list[dict]:
        rows = cursor().execute("SELECT coalesce(outlet, '(unknown)'), count(*), min(published), max(published) "
                                "FROM documents GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
        return [{"outlet": o, "documents": n, "first": a, "last": b} for o, n, a, b in rows]

    def documents(outlet: str | None, page: int) -> list[dict]:
        where, args = ("WHERE coalesce(outlet, '(unknown)') = ?", [outlet]) if outlet else ("", [])
        rows = cursor().execute(
            f"SELECT d.doc_id, d.title, d.published, d.outlet, "
            f"(SELECT count(*) FROM spans s WHERE s.doc_id = d.doc_id AND s.layer = 'propaganda'), "
            f"(SELECT count(*) FROM claims c WHERE c.doc_id = d.doc_id) "
            f"FROM documents d {where} ORDER BY d.published DESC NULLS LAST, d.title LIMIT ? OFFSET ?",
            [*args, PAGE_SIZE, page * PAGE_SIZE]).fetchall()
        return [{"doc_id": r[0], "title": r[1], "published": r[2], "outlet": r[3], "propaganda_spans": r[4],
                 "claims": r[5]} for r in rows]

    def page(template: str, **context) -> HTMLResponse:
        return HTMLResponse(_env().get_template(template).render(css=asset("unspin.css"), **context))

    @app.get("/v1/store/outlets", tags=["store"], responses=error_responses())
    async def api_outlets():
        return {"outlets": outlets()}

    @app.get("/v1/store/documents", tags=["store"], responses=error_responses(422))
    async def api_documents(outlet: str | None = None, page_: int = Query(0, alias="page", ge=0, le=MAX_PAGE)):
        return {"documents": documents(outlet, page_), "page": page_, "page_size": PAGE_SIZE}

    @app.get("/v1/store/documents/{doc_id}", tags=["store"],
             responses=error_responses(404, 422, not_found="No document with this id in the store"))
    async def api_document(doc_id: str):
        analysis = load_analysis(cursor(), doc_id)
        if analysis is None:
            return JSONResponse({"error": "not_found", "detail": f"no document {doc_id} in the store"}, 404)
        return analysis.to_dict()

    @app.get("/store", include_in_schema=False)
    async def store_index():
        return page("store_outlets.html.j2", outlets=outlets())

    @app.get("/store/outlet", include_in_schema=False)
    async def store_outlet(name: str, page_: int = Query(0, alias="page", ge=0, le=MAX_PAGE)):
        return page("store_documents.html.j2", outlet=name, documents=documents(name, page_), page=page_,
                    page_size=PAGE_SIZE)

    @app.get("/store/doc/{doc_id}", include_in_schema=False)
    async def store_document(doc_id: str):
        analysis = load_analysis(cursor(), doc_id)
        if analysis is None:
            return JSONResponse({"error": "not_found", "detail": f"no document {doc_id} in the store"}, 404)
        return page("store_document.html.j2", fragment=render_fragment(analysis),
                    outlet=analysis.document.outlet or "(unknown)")
