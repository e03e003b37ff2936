"""``unspin serve``."""
from __future__ import annotations

import ipaddress
from pathlib import Path

import click


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but loopback requires an access token.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--token", envvar="UNSPIN_TOKEN", default=None,
              help="Access token every API call must carry (Authorization: Bearer ...). Env: UNSPIN_TOKEN.")
@click.option("--store", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A scan store to browse read-only at /store.")
@click.option("--factchecks", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="UNSPIN_FACTCHECKS", help="The fact-check store (default: the per-user one).")
@click.option("--max-request-bytes", default=2_000_000, show_default=True, type=click.IntRange(min=1000))
@click.option("--time-limit", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds an analysis may take before the client gets 504.")
@click.option("--concurrency", default=None, type=click.IntRange(min=1),
              help="Requests analysed at once, in shared pipeline batches (default 16); more wait in a short queue.")
@click.option("--queue", default=64, show_default=True, type=click.IntRange(min=0),
              help="Requests that may wait for a free slot before the server answers 429.")
@click.option("--fast", is_flag=True, help="Only the analyzers that need no neural model.")
def serve_command(host, port, token, store, factchecks, max_request_bytes, time_limit, concurrency, queue, fast):
    """Serve the HTTP API under /v1/ and the web page at /."""
    import uvicorn

    from .app import Settings, create_app

    if not is_loopback(host) and not token:
        raise click.UsageError(f"binding to {host} exposes the server beyond this machine: "
                               "set an access token with --token or UNSPIN_TOKEN")
    settings = Settings(token=token, max_request_bytes=max_request_bytes, time_limit=time_limit,
                        queue=queue, store=store, factchecks=factchecks, fast=fast)
    if concurrency:
        settings.concurrency = concurrency
    app = create_app(settings)
    click.echo(f"unspin serving on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
