"""``flashpoint actors``: look up how a phrase resolves, and why.

flashpoint actors lookup "North Korea's Defense Ministry"
flashpoint actors lookup Trump --date 2019-06-30 --format json
flashpoint actors lookup "Gondor" --tabari-actors my.actors --tabari-agents my.agents
"""

from __future__ import annotations

import json
from datetime import date

import click

from flashpoint.errors import FlashpointError


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from exc


@click.group("actors")
def actors_group() -> None:
    """Actor dictionaries: look up phrases, check user dictionaries."""


@actors_group.command("lookup")
@click.argument("phrase")
@click.option("--date", "when", callback=_parse_date, help="Resolve for this date (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--dictionary",
    "csv_paths",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="User dictionary CSV (phrase,code,name,country,agent,start,end); repeatable.",
)
@click.option(
    "--tabari-actors", type=click.Path(exists=True, dir_okay=False), help="TABARI/PETRARCH .actors file."
)
@click.option(
    "--tabari-agents", type=click.Path(exists=True, dir_okay=False), help="TABARI/PETRARCH .agents file."
)
def lookup_cmd(
    phrase: str,
    when: date | None,
    fmt: str,
    csv_paths: tuple[str, ...],
    tabari_actors: str | None,
    tabari_agents: str | None,
) -> None:
    """Show how PHRASE resolves (code, country, sector) and why."""
    from flashpoint.actors import ActorDictionary

    try:
        d = ActorDictionary.default()
        conflicts = []
        for path in csv_paths:
            conflicts += d.merge(ActorDictionary.from_csv(path))
        if tabari_actors or tabari_agents:
            conflicts += d.merge(ActorDictionary.from_tabari(tabari_actors, tabari_agents))
        res = d.lookup(phrase, when)
    except FlashpointError as exc:
        raise click.ClickException(str(exc)) from exc
    for c in conflicts:
        click.echo(f"note: user entry for {c.phrase!r} replaces {c.ours} with {c.theirs}", err=True)
    if fmt == "json":
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False))
        return
    for key, value in res.to_dict().items():
        click.echo(f"{key:8} {value if value is not None else '-'}")


@actors_group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--kind",
    type=click.Choice(["auto", "csv", "actors", "agents"]),
    default="auto",
    show_default=True,
    help="File format; auto: .csv is flashpoint CSV, names containing 'agent' are TABARI agents.",
)
def check_cmd(path: str, kind: str) -> None:
    """Validate a user dictionary; report its size and its conflicts with the built-in tables."""
    from flashpoint.actors import ActorDictionary

    if kind == "auto":
        lower = path.lower()
        kind = "csv" if lower.endswith(".csv") else ("agents" if "agent" in lower else "actors")
    try:
        if kind == "csv":
            user = ActorDictionary.from_csv(path)
        elif kind == "agents":
            user = ActorDictionary.from_tabari(None, path)
        else:
            user = ActorDictionary.from_tabari(path, None)
    except FlashpointError as exc:
        raise click.ClickException(str(exc)) from exc
    conflicts = ActorDictionary.default().merge(user)
    click.echo(f"{path}: {len(user)} phrases ({kind}), {len(conflicts)} override built-in entries")
    for c in conflicts[:50]:
        click.echo(f"  {c.phrase!r}: {c.ours} -> {c.theirs}")
