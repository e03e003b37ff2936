"""Shared helpers: articles the tests write themselves, and a way to run the real CLI."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = ["headline", "engagement", "attribution"]  # the analyzers that need no model

ARTICLE = (
    "SHOCKING: You Won't Believe What the Council Did Next!\n\n"
    "The city council on Tuesday voted 7-2 to raise the water rate by 12 percent.\n"
    "\"This pays for pipes older than most of us,\" council member Dana Whitfield said.\n"
    "According to the Riverside Water Authority, bills will rise by about $9 a month.\n"
    "Do you support the rate hike? Share this article with your friends!\n"
)


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "unspin", *args], input=stdin, capture_output=True,
                          cwd=cwd, env=env, timeout=600)


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def schema() -> dict:
    return json.loads((ROOT / "src" / "unspin" / "schema" / "analysis-1.schema.json").read_text())
