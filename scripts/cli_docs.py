"""Write docs/cli.md from the command line's own --help texts (run after adding or changing a command).

tests/test_docs.py fails when docs/cli.md is out of date, so a new command or option cannot go undocumented.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dyad.cli import cli

HEADER = """# Command reference

Generated from each command's `--help` by `python scripts/cli_docs.py`; `tests/test_docs.py` checks it is
current. Global options (`--store`, `--engine`) go before the command: `dyad --store my.duckdb sources`.
"""


def render() -> str:
    parts = [HEADER]
    width = {"terminal_width": 100, "max_content_width": 100}   # the same text on every terminal

    def context(command, name, parent=None):
        return command.make_context(name, [], parent=parent, resilient_parsing=True, **width)

    ctx = context(cli, "dyad")
    parts.append("## dyad\n\n```\n" + cli.get_help(ctx) + "\n```\n")
    for name in sorted(cli.commands):
        command = cli.commands[name]
        sub = context(command, f"dyad {name}", ctx)
        parts.append(f"## dyad {name}\n\n```\n{command.get_help(sub)}\n```\n")
        if isinstance(command, click.Group):
            for child_name in sorted(command.commands):
                child = command.commands[child_name]
                grand = context(child, f"dyad {name} {child_name}", sub)
                parts.append(f"### dyad {name} {child_name}\n\n```\n{child.get_help(grand)}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    target.write_text(render())
    print(f"wrote {target}", file=sys.stderr)
