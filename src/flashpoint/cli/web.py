"""``flashpoint serve``: the dashboard and REST API over an event store (uvicorn)."""

from __future__ import annotations

import secrets

import click

from flashpoint.errors import FlashpointError


@click.command("serve")
@click.option(
    "--db", "db", default="events.duckdb", show_default=True, help="The event store (DuckDB file) to serve."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind (the default is this machine only).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to bind.")
@click.option(
    "--allow-write", is_flag=True, help="Enable POST /api/code (coding pasted text); needs a token."
)
@click.option(
    "--token",
    envvar="FLASHPOINT_TOKEN",
    help="Bearer token for POST /api/code (env FLASHPOINT_TOKEN); generated and printed if omitted.",
)
@click.option(
    "--code-timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds a coding request may take before it is answered 504.",
)
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds any other request may take before it is answered 504 (its query is interrupted).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=2_000_000,
    show_default=True,
    help="Largest request body in bytes (bigger gets 413).",
)
def serve_cmd(
    db: str,
    host: str,
    port: int,
    allow_write: bool,
    token: str | None,
    code_timeout: float,
    query_timeout: float,
    max_body: int,
) -> None:
    """Serve the dashboard and the JSON API for an event store (read-only by default)."""
    try:
        import uvicorn

        from flashpoint.web import WebSettings, create_app
    except ImportError as exc:
        raise click.ClickException(
            f"the web extra is not installed ({exc}); pip install 'flashpoint[web]'"
        ) from exc
    if allow_write and not token:
        token = secrets.token_urlsafe(18)
        click.echo(f"POST /api/code token: {token}", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: serving on {host}: anyone who can reach it can read the store", err=True)
    try:
        app = create_app(
            db,
            allow_write=allow_write,
            token=token if allow_write else None,
            settings=WebSettings(
                max_body_bytes=max_body, code_timeout=code_timeout, query_timeout=query_timeout
            ),
        )
    except FlashpointError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(
        f"flashpoint dashboard on http://{host}:{port}/ (store {db}, {'write' if allow_write else 'read-only'})",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
