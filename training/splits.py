"""Deterministic, documented splits of the shared data sets (ids only; committed in data/splits/).

An item goes to a split by the SHA-256 of ``"<salt>:<id>"``, so the assignment is stable when
items are added and needs no random state.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPLITS = ROOT / "data" / "splits"
SHARED = Path(__import__("os").environ.get("UNSPIN_SHARED_DATA", ROOT.parent / "shared" / "data"))


NEWS = "bbc_news/bbc"


def news_files(held_out: bool = False, corpus: Path | None = None) -> list[Path]:
    """The BBC articles at odd positions of the sorted file list, which recipes may learn from as
    plain news (the re-ranker, the check-worthiness head, the fast set's matching encoder), or with
    ``held_out`` the even ones, which none learns from and benchmarks read as unseen news."""
    files = sorted((corpus or SHARED / NEWS).glob("*/*.txt"))
    return files[0::2] if held_out else files[1::2]


def require_shared(*relative: str, why: str) -> None:
    """Stop with one line and exit code 2 when a data set the script reads is missing, instead of
    a traceback from deep inside a reader."""
    missing = [SHARED / r for r in relative if not (SHARED / r).exists()
               or ((SHARED / r).is_dir() and not any((SHARED / r).iterdir()))]
    if missing:
        import sys

        print(f"missing {missing[0]}: {why} (set UNSPIN_SHARED_DATA to the shared data folder)", file=sys.stderr)
        raise SystemExit(2)


def eval_dir() -> Path:
    """Where `benchmarks/eval_all.py` and `calibration.py` write: build/eval, or build/eval-<set>
    for the model set of $UNSPIN_MODELS (checked as unspin checks it)."""
    from unspin.analyzers.models import model_set

    chosen = model_set()
    return ROOT / "build" / (f"eval-{chosen.name}" if chosen else "eval")


def bucket(item_id: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}:{item_id}".encode()).hexdigest()
    return int(digest[:12], 16) / float(1 << 48)


def assign(ids: Iterable[str], fractions: dict[str, float], salt: str) -> dict[str, list[str]]:
    """Split ids by hash bucket: fractions like {"test": .15, "dev": .10, "train": .75}."""
    out: dict[str, list[str]] = {name: [] for name in fractions}
    for item in sorted(set(ids)):
        b, edge = bucket(item, salt), 0.0
        for name, frac in fractions.items():
            edge += frac
            if b < edge or name == list(fractions)[-1]:
                out[name].append(item)
                break
    return out


def save(name: str, splits: dict[str, list[str]], note: str) -> Path:
    SPLITS.mkdir(parents=True, exist_ok=True)
    path = SPLITS / f"{name}.json"
    path.write_text(json.dumps({"note": note, **{k: sorted(v) for k, v in splits.items()}}, indent=1) + "\n")
    return path


def load(name: str) -> dict[str, list[str]]:
    data = json.loads((SPLITS / f"{name}.json").read_text())
    return {k: v for k, v in data.items() if k != "note"}
