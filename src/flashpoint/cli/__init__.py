"""The ``flashpoint`` command: a thin front end over the library.

Each command group lives in its own module; this one builds the root group and registers
them.  Only this layer (and ``web``) turns exceptions into messages for people.
"""

from __future__ import annotations

import logging
import sys

import click

from flashpoint import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="flashpoint")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """flashpoint: political event data from news text."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def _register() -> None:
    from flashpoint.cli.code import code_cmd, evaluate_cmd

    cli.add_command(code_cmd)
    cli.add_command(evaluate_cmd)
    import importlib

    for module, names in (
        ("flashpoint.cli.actors", ("actors_group",)),
        (
            "flashpoint.cli.store",
            ("query_cmd", "dyad_cmd", "alerts_cmd", "export_cmd", "runs_cmd", "merge_cmd"),
        ),
        ("flashpoint.cli.web", ("serve_cmd",)),
    ):
        mod = importlib.import_module(module)
        for name in names:
            cli.add_command(getattr(mod, name))


_register()


def main() -> None:
    cli(prog_name="flashpoint")
