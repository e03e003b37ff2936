"""Import and search as plain functions: the CLI, the web app and the claims analyzer call these."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from .importers import read_file
from .matcher import Matcher
from .store import FactCheckStore, ImportReport, default_store_path


def import_files(paths: list[Path], store_path: Path | None = None, fmt: str | None = None,
                 progress: Callable[[Path | None, ImportReport], None] | None = None,
                 all_languages: bool = False) -> ImportReport:
    """Import every file into the store; ``progress(path, report so far)`` after each batch, and
    ``progress(None, total)`` before the matching index is built. A file that cannot be read or
    gives no record is listed in ``failed_files``, and the others are imported. Records declared in another
    language than English are left out unless ``all_languages``."""
    from ..analyzers.models import sentence_encoder

    encoder = sentence_encoder()
    total = ImportReport()
    with FactCheckStore(store_path) as store:
        for path in paths:
            # A file that cannot be read, or gives no record, is reported and the next one imported.
            try:
                if not path.is_file():
                    raise InputError("no such file", str(path))
                report = store.add(read_file(path, fmt), encoder, all_languages=all_languages,
                                   progress=(lambda r, path=path: progress(path, r)) if progress else None)
            except InputError as exc:
                total.failed_files.append(str(exc) if exc.where else f"{path}: {exc}")
                continue
            if report.problems and not report.read:
                total.failed_files.append(f"{path}: no fact-check could be read from it")
            total.read += report.read
            total.added += report.added
            total.duplicates += report.duplicates
            total.not_english += report.not_english
            total.problems += report.problems
    if total.added:
        if progress:
            progress(None, total)  # the last, slower step: building the matching index
        Matcher.from_store(store_path or default_store_path())  # build the index now, not at first use
    return total


def reembed(store_path: Path | None = None, progress: Callable[[int, int], None] | None = None) -> tuple[int, str]:
    """Embed every claim of the store again with this unspin's encoder (after a model change);
    returns (records, the encoder's identity), and builds the matching index."""
    from ..analyzers.models import sentence_encoder

    path = store_path or default_store_path()
    if not path.exists():
        raise InputError(f"no fact-check store at {path}")
    encoder = sentence_encoder()
    with FactCheckStore(path) as store:
        records = store.reembed(encoder, progress=progress)
    Matcher.from_store(path)  # build the index now, not at first use
    return records, encoder.identity


def search(text: str, store_path: Path | None = None, k: int = 5, mode: str = "hybrid") -> list[dict]:
    from ..analyzers.models import sentence_encoder

    path = store_path or default_store_path()
    if not path.exists():
        raise InputError(f"no fact-check store at {path}; import fact-checks first "
                         "('unspin factchecks import FILE')")
    matcher = Matcher.from_store(path)
    vectors = sentence_encoder().encode([text])
    return [{**(c.record or {}), "similarity": round(c.similarity, 4), "cosine": round(c.cosine, 4),
             "bm25": round(c.bm25, 4)} for c in matcher.search([text], vectors, k=k, mode=mode)[0]]


