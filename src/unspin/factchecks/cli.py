"""``unspin factchecks import|search|stats|reembed``."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from .importers import FORMATS

_STORE = click.option("--store", type=click.Path(dir_okay=False, path_type=Path), default=None,
                      envvar="UNSPIN_FACTCHECKS",
                      help="Store file (default: $UNSPIN_FACTCHECKS or <data dir>/factchecks.duckdb).")


@click.group("factchecks")
def command() -> None:
    """Your local store of fact-checks: import them, search them, see what is in it."""


@command.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Input format (default: detected from the file).")
@click.option("--progress", type=click.Choice(["auto", "plain", "none"]), default="auto", show_default=True,
              help="auto: a live line on a terminal; plain: a line per batch of 4,096 records.")
@click.option("--all-languages", is_flag=True,
              help="Also keep fact-checks declared in another language (ClaimReview inLanguage); by default "
                   "they are left out and counted, since matching reads English only.")
@_STORE
def import_(files: tuple[Path, ...], fmt: str | None, progress: str, all_languages: bool, store: Path | None) -> None:
    """Import ClaimReview JSON-LD (objects, arrays, JSON Lines, a DataFeed of them, or fact-check
    pages' HTML), LIAR TSV, CheckThat! claims or Share the Facts records.

    Re-importing is a no-op; malformed records are listed and skipped. A file that cannot be read
    or gives no record is listed, the other files are imported, and the exit code is 2. Every claim is embedded
    once, here (300-550 records/s on 2 cores, by CPU); an interrupted import keeps the batches it wrote,
    and running it again adds the rest."""
    from .service import import_files
    from .store import default_store_path

    with _ImportProgress(progress) as shown:
        report = import_files(list(files), store, fmt, progress=shown.update, all_languages=all_languages)
    from ..render.text import visible

    for problem in report.problems[:20]:  # a problem can quote the record: untrusted text
        click.echo(visible(f"skipped {problem}"), err=True)
    if len(report.problems) > 20:
        click.echo(f"... and {len(report.problems) - 20} more skipped records", err=True)
    click.echo(f"{report.summary()} ({store or default_store_path()})", err=True)
    if report.failed_files:
        click.echo(f"unspin: {len(report.failed_files)} of {len(files)} files failed:", err=True)
        for failure in report.failed_files:
            click.echo(visible(f"  {failure}"), err=True)
        sys.exit(2)


@command.command("search")
@click.argument("text")
@click.option("-k", "--top", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--mode", type=click.Choice(["hybrid", "semantic", "lexical"]), default="hybrid",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_STORE
def search_(text: str, top: int, mode: str, fmt: str, store: Path | None) -> None:
    """Fact-checks in the store that match TEXT, best first."""
    from .service import search

    results = search(text, store, top, mode)
    if fmt == "json":
        sys.stdout.write(json.dumps(results, ensure_ascii=False) + "\n")
        return
    if not results:
        click.echo("no matching fact-checks")
    from ..render.text import visible

    for n, r in enumerate(results, 1):  # a store's records are untrusted text: no escape sequence gets through
        click.echo(visible(f"{n}. [{r['similarity']:.2f}] {r['verdict'] or 'no verdict'} — {r['publisher'] or '?'}"
                   f"{', ' + r['date'] if r.get('date') else ''}\n   {r['claim']}"
                   f"{chr(10) + '   ' + r['url'] if r.get('url') else ''}"))


@command.command("reembed")
@click.option("--progress", type=click.Choice(["auto", "plain", "none"]), default="auto", show_default=True,
              help="auto: a live line on a terminal; plain: a line per 4,096 claim texts.")
@_STORE
def reembed_(progress: str, store: Path | None) -> None:
    """Embed every claim in the store again with this unspin's sentence encoder.

    Needed once after an upgrade that ships another encoder: a store whose vectors another model
    made is refused by search and analyze until then. Nothing is written until every claim is
    embedded, so an interrupted run leaves the store as it was."""
    from .service import reembed
    from .store import default_store_path

    with _StatusLine(progress, "embedding...") as status:
        records, model = reembed(store, progress=lambda done, total: status.show(
            f"embedded {done:,} of {total:,} claim texts ({status.rate(done):.0f} texts/s)"))
    click.echo(f"{records} claims embedded with {model} ({store or default_store_path()})", err=True)


@command.command("stats")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_STORE
def stats(fmt: str, store: Path | None) -> None:
    """How many fact-checks the store holds, by publisher, verdict and source."""
    from ..errors import InputError
    from ..render.text import visible
    from .store import FactCheckStore, default_store_path

    path = store or default_store_path()
    if not path.exists():
        raise InputError(f"no fact-check store at {path}")
    with FactCheckStore(path, read_only=True) as s:
        data = s.stats()
    if fmt == "json":
        sys.stdout.write(json.dumps(data) + "\n")
        return
    click.echo(f"{data['records']} fact-checks in {data['path']} (generation {data['generation']})")
    if data["embedding_model"]:
        click.echo(f"claims embedded with {data['embedding_model']}")
    if data["dates"]["first"]:
        click.echo(f"published {data['dates']['first']} to {data['dates']['last']}")
    for title, key in (("publishers", "publishers"), ("verdicts", "verdicts"), ("imported from", "sources"),
                       ("declared languages", "languages")):
        if data[key]:
            shown = ", ".join(f"{k} {v}" for k, v in list(data[key].items())[:12])
            click.echo(f"{title}: " + visible(shown))  # publishers and verdicts are the records' text


class _StatusLine:
    """A live status line on a terminal, plain lines (``--progress plain``), or nothing."""

    def __init__(self, mode: str, label: str = "working..."):
        self.mode = ("live" if sys.stderr.isatty() else "none") if mode == "auto" else mode
        self.started = time.perf_counter()
        self.status = None
        self.label = label

    def __enter__(self):
        if self.mode == "live":
            from rich.console import Console

            self.status = Console(stderr=True).status(self.label)
            self.status.start()
        return self

    def show(self, line: str) -> None:
        if self.status is not None:
            self.status.update(line)
        elif self.mode == "plain":
            click.echo(line, err=True)

    def rate(self, done: int) -> float:
        return done / max(1e-9, time.perf_counter() - self.started)

    def __exit__(self, *exc) -> None:
        if self.status is not None:
            self.status.stop()


class _ImportProgress(_StatusLine):
    """Records read and added so far, with the rate."""

    def __init__(self, mode: str):
        super().__init__(mode, "importing...")
        self.path: Path | None = None
        self.before = self.last = 0  # records of the files already done; of the current one

    def update(self, path: Path | None, report) -> None:
        if path is None:
            self.show(f"{report.added} records added; building the matching index...")
            return
        if path != self.path:  # a new file: count the finished one's records in the rate
            self.path, self.before = path, self.before + self.last
        self.last = report.read
        self.show(f"{path.name}: {report.read} records read, {report.added} added, {report.duplicates} already "
                  f"there, {len(report.problems)} malformed ({self.rate(self.before + report.read):.0f} records/s)")
