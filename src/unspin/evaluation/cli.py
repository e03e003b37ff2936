"""``unspin eval predict|score TASK DATA ...``: thin click wrappers over evaluation.tasks."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from ..errors import InputError
from .tasks import TASKS

_TASK = click.Choice(sorted(TASKS))


@click.group("eval")
def command() -> None:
    """Run public benchmarks in their own formats and score them with the official metrics."""


@command.command("predict")
@click.argument("task", type=_TASK)
@click.argument("data", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write predictions in the benchmark's submission format.")
@click.option("--spans", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="ptc-tc: the spans to classify (ID<TAB>...<TAB>start<TAB>end).")
@click.option("--claims", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="claim-match: JSONL(.gz) of fact-checked claims to rank.")
def predict(task: str, data: Path, output: Path, spans: Path | None, claims: Path | None) -> None:
    """Predict TASK on DATA (never reads gold labels) and write the submission file."""
    with _utf8(data, spans, claims):
        lines = TASKS[task].predict(data, spans=spans, claims=claims)
    output.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    click.echo(f"wrote {len(lines)} lines to {output}", err=True)


@command.command("score")
@click.argument("task", type=_TASK)
@click.argument("data", type=click.Path(exists=True, path_type=Path))
@click.argument("pred", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--gold", type=click.Path(exists=True, path_type=Path), default=None,
              help="Gold labels, when they are not in DATA or next to it.")
def score(task: str, data: Path, pred: Path, gold: Path | None) -> None:
    """Score PRED against the gold labels of DATA; prints one JSON object."""
    with _utf8(data, pred, gold):
        result = TASKS[task].score(data, pred, gold=gold)
    sys.stdout.write(json.dumps(result, indent=None, sort_keys=False) + "\n")


@command.command("tasks")
def list_tasks() -> None:
    """List the benchmark tasks."""
    for task in TASKS.values():
        click.echo(f"{task.name:<14} {task.description} — {task.metric}")


@contextmanager
def _utf8(*paths: Path | None):
    """Benchmark files are UTF-8 text; a file that is not is the user's to fix (exit 2), and the
    decoder does not say which file it was reading, so the message names every one given."""
    try:
        yield
    except UnicodeDecodeError as exc:
        given = ", ".join(str(p) for p in paths if p is not None)
        # exc.start counts from the start of the decoder's buffer, not of the file: not shown.
        raise InputError(f"not UTF-8 text ({exc.reason}); benchmark files are read as UTF-8", given) from None
