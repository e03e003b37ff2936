"""``unspin scan``, ``unspin report`` and ``unspin export``."""
from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("scan")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The DuckDB store file (created if missing; re-running resumes).")
@click.option("--engine", type=click.Choice(["local", "dask", "inline"]), default="local", show_default=True,
              help="local: a process pool on this machine; dask: a dask.distributed cluster.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores; dask without --scheduler: LocalCluster size).")
@click.option("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@click.option("--fast", is_flag=True, help="Only the analyzers that need no neural model (triage).")
@click.option("--analyzers", "only", default=None, help="Comma-separated analyzers (default: all).")
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True)
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, help="Largest document in bytes.")
@click.option("--progress", type=click.Choice(["auto", "bar", "plain", "none"]), default="auto", show_default=True)
@click.option("--set", "settings", multiple=True, metavar="ANALYZER.OPTION=VALUE",
              help="An analyzer option, e.g. claims.match_top=3 (repeatable; see docs/analyzers.md).")
@click.option("--reanalyze", is_flag=True,
              help="Analyse again the documents the store holds from a run with other analyzers or other "
                   "versions of them (a --fast triage, an older unspin), replacing their rows.")
def scan_command(inputs, store, engine, workers, scheduler, fast, only, batch_size, max_bytes, progress, settings,
                 reanalyze):
    """Analyse folders (txt/html), JSONL/CSV/Parquet files, RSS/Atom feeds and WARC files into a store, resumably."""
    from ..ingest import Limits
    from .runner import scan

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    analyzers = [a.strip() for a in only.split(",") if a.strip()] if only else None
    from ..cli import parse_settings
    from ..pipeline import check_config, resolve

    config = parse_settings(settings)
    try:  # checked here, before any worker starts (and without loading a model)
        check_config(config, resolve(analyzers, fast=fast))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    summary = scan(inputs, store, engine=engine, workers=workers, scheduler=scheduler, analyzers=analyzers,
                   fast=fast, batch_size=batch_size, limits=Limits.from_env(max_bytes), progress=progress,
                   config=config, reanalyze=reanalyze)
    from ..render.text import visible

    click.echo(visible(summary.text()), err=True)  # failure reasons quote the inputs: untrusted text
    for where, reason in summary.failures[:20]:
        click.echo(visible(f"  {where}: {reason}"), err=True)
    if len(summary.failures) > 20:
        click.echo(f"  ... {len(summary.failures) - 20} more in the store's failures table", err=True)
    if summary.failed:
        sys.exit(2)


@click.command("report")
@click.argument("store", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--min-articles", type=click.IntRange(min=1), default=10, show_default=True,
              help="Outlets with fewer analysed articles are listed but not compared.")
def report_command(store: Path, output: Path, min_articles: int):
    """Write a self-contained HTML report of a store: rates per outlet and over time, loaded terms,
    repeated claims, near-duplicate stories."""
    from ..store.report import build_report

    output.write_text(build_report(store, min_articles), encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


@click.command("export")
@click.argument("store", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_command(store: Path, folder: Path):
    """Export every table of a store to Parquet files in FOLDER."""
    from ..store.report import export_parquet

    for path in export_parquet(store, folder):
        click.echo(str(path))
