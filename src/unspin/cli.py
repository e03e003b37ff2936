"""The ``unspin`` command line: a thin shell over ingest, pipeline and render.

Results go to stdout (or ``-o``); progress, warnings and errors go to stderr.
Exit codes: 0 success, 1 internal error, 2 bad input or usage.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import InputError, ModelSetError, StoreError, UnspinError

EXIT_BAD_INPUT = 2


class UnspinGroup(click.Group):
    """Turns unexpected exceptions into one line and exit code 1 (no stack trace unless asked)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except (InputError, ModelSetError, StoreError) as exc:  # the user can put these right
            _error(str(exc))
            sys.exit(EXIT_BAD_INPUT)
        except UnspinError as exc:  # e.g. a model missing from the installation
            _error(str(exc))
            sys.exit(1)
        except KeyboardInterrupt:
            _error("interrupted")
            sys.exit(130)
        except BrokenPipeError:  # the reader stopped early (`unspin ... | head`): not an error
            import os

            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
            except (OSError, ValueError):  # stdout is not a real file (embedded use)
                pass
            sys.exit(0)
        except OSError as exc:
            if exc.filename is None:
                _internal_error(ctx, exc)
            # A path the user gave that cannot be written or read (-o into a missing folder, no
            # permission, a full disk): theirs to put right, not an internal error.
            _error(f"{exc.filename}: {exc.strerror or exc}")
            sys.exit(EXIT_BAD_INPUT)
        except Exception as exc:  # noqa: BLE001 - last line of defence, reported plainly
            _internal_error(ctx, exc)


def _internal_error(ctx: click.Context, exc: Exception) -> None:
    """One line and exit code 1, or the full traceback with --debug."""
    if ctx.obj and ctx.obj.get("debug"):
        raise exc
    _error(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
    sys.exit(1)


def _error(message: str) -> None:
    from .render.text import visible

    # Messages quote file names, URLs from archives and records' fields: untrusted text.
    click.echo(visible(f"unspin: error: {message}"), err=True)


@click.group(cls=UnspinGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="unspin")
@click.option("--debug", is_flag=True, help="Show full tracebacks on internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """unspin: how a news article works on its reader, with character-exact evidence."""
    ctx.obj = {"debug": debug}
    _plugin_warnings_as_lines()


def _plugin_warnings_as_lines() -> None:
    """An installed analyzer that cannot be loaded is reported as one 'unspin: warning:' line on
    stderr, like unspin's other warnings, not as Python's two-line warning with a source line."""
    import warnings

    from .analyzers.base import PluginWarning

    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, PluginWarning):
            from .render.text import visible

            click.echo(visible(f"unspin: warning: {message}"), err=True)
        else:
            shown(message, category, filename, lineno, file, line)

    warnings.showwarning = show


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True, help="Output format (json is unspin/analysis@1; JSON Lines for several).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of stdout.")
@click.option("--title", default=None, help="Headline to use instead of the first line / page title.")
@click.option("--analyzers", "only", default=None,
              help="Comma-separated analyzers to run (default: all). See 'unspin analyzers'.")
@click.option("--exclude", default="", help="Comma-separated analyzers to skip.")
@click.option("--fast", is_flag=True, help="Only the analyzers that need no neural model.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Largest input document in bytes (default 5000000, or $UNSPIN_MAX_BYTES).")
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True)
@click.option("--color/--no-color", default=None, help="Colour the text report (default: if a terminal).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Leave out flags (spans) scored below this; the scores still count them (a warning says how many).")
@click.option("--set", "settings", multiple=True, metavar="ANALYZER.OPTION=VALUE",
              help="An analyzer option, e.g. claims.match_top=5 (repeatable; see docs/analyzers.md).")
def analyze(paths, fmt, output, title, only, exclude, fast, max_bytes, batch_size, color, min_score, settings):
    """Analyse articles: files (.txt .html .json .jsonl .csv .parquet, RSS/Atom feeds, WARC archives), folders, or - for stdin."""
    from .ingest import Limits, read_inputs
    from .language import ENGLISH
    from .render import render
    from .render.text import visible

    limits = Limits.from_env(max_bytes)
    pipeline = make_pipeline(_names(only), _names(exclude) or (), fast, batch_size, parse_settings(settings))
    documents, failures = [], []
    for item in read_inputs(paths, limits, title=title):
        if isinstance(item, InputError):
            failures.append(item)
            _error(str(item))
        else:
            documents.append(item)
    analyses = []
    for analysis in pipeline.analyze(documents):
        if analysis.document.language in ENGLISH:
            if min_score:
                analysis.drop_spans_below(min_score)
            analyses.append(analysis)
        else:  # bad input like a binary file: its analysis would be empty, so say so and exit 2
            failures.append(InputError(_not_english(analysis), analysis.document.source))
            _error(str(failures[-1]))
    if analyses:
        use_color = color if color is not None else (output is None and sys.stdout.isatty())
        rendered = render(analyses, fmt, color=use_color)
        _write(rendered, output)
    if failures:
        if len(failures) > 1 or analyses:
            click.echo(f"unspin: {len(failures)} of {len(failures) + len(analyses)} inputs failed:",
                       err=True)
            for f in failures[:20]:  # each was also reported as it came, above
                click.echo(visible(f"  {f}"), err=True)
            if len(failures) > 20:
                click.echo(f"  ... and {len(failures) - 20} more (each reported above)", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _not_english(analysis) -> str:
    from .language import looks_like

    return (f"{looks_like(analysis.document.language)}, not English: unspin's models read English only "
            "(a scan records such articles with their language)")


@main.command("analyzers")
@click.option("--loaded", is_flag=True,
              help="Load the models and show the version each analyzer records in an analysis (model set, "
                   "int8 mode and rules included), as `models` in the JSON does.")
def list_analyzers(loaded: bool):
    """List the available analyzers in pipeline order, with their options (--set ANALYZER.OPTION=VALUE)."""
    from .pipeline import Pipeline, available_analyzers

    recorded = {}
    if loaded:
        recorded = Pipeline().versions  # a bad model set is reported as everywhere (UnspinGroup)
        chosen = os.environ.get("UNSPIN_MODELS")
        click.echo(f"models: {'UNSPIN_MODELS=' + chosen if chosen else 'shipped with unspin'}")
    from .analyzers.base import broken_plugins, is_builtin, origin

    width = max([8, *(len(v) for v in recorded.values())])
    for name, cls in available_analyzers().items():
        kind = "model" if cls.needs_model else "rules"
        lang = "English only" if cls.english_only else "any language"
        doc = ((cls.__doc__ or sys.modules[cls.__module__].__doc__ or "").strip().splitlines() or [""])[0]
        version = recorded.get(name, cls.version)
        click.echo(f"{name:<14} {version:<{width}} {kind:<6} {lang:<13} {doc}")
        if not is_builtin(name):
            click.echo(f"{'':<14} from: {origin(name)} (not part of unspin)")
        if cls.options:
            click.echo(f"{'':<14} options: {', '.join(cls.options)}")
    for name, why in broken_plugins().items():
        click.echo(f"{name:<14} {'-':<{width}} left out: could not be loaded: {why}")
    if not loaded:
        click.echo("(versions of the analyzer code; `unspin analyzers --loaded` shows the versions analyses record, "
                   "models included)")


def make_pipeline(only, exclude, fast: bool, batch_size: int = 16, config: dict | None = None):
    """A Pipeline, with a bad analyzer name or option reported as a usage error (exit 2)."""
    from .pipeline import Pipeline

    try:
        return Pipeline(only, exclude=exclude, fast=fast, batch_size=batch_size, config=config)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def parse_settings(settings: tuple[str, ...]) -> dict[str, dict]:
    """``("claims.match_top=5", ...)`` -> ``{"claims": {"match_top": 5}}``; values are read as
    JSON when they parse (numbers, true/false, null), else kept as text."""
    import json

    config: dict[str, dict] = {}
    for item in settings:
        key, sep, raw = item.partition("=")
        analyzer, dot, option = key.strip().partition(".")
        if not (sep and dot and analyzer and option):
            raise click.UsageError(f"--set {item!r}: expected ANALYZER.OPTION=VALUE, e.g. claims.match_top=5")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        config.setdefault(analyzer, {})[option.strip()] = value
    return config


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _attach_commands() -> None:
    from .evaluation.cli import command as eval_command
    from .factchecks.cli import command as factchecks_command
    from .scan.cli import export_command, report_command, scan_command
    from .server.cli import serve_command

    for command in (eval_command, factchecks_command, scan_command, report_command, export_command,
                    serve_command):
        main.add_command(command)


_attach_commands()

if __name__ == "__main__":
    main()
