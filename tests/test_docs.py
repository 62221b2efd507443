"""Documentation is part of the product: every command documented, with an example; docs current."""

import importlib.util
from pathlib import Path

import click
import pytest

from dyad.cli import cli
from dyad.indicators import all_indicators

ROOT = Path(__file__).resolve().parents[1]


def _commands():
    for name, command in sorted(cli.commands.items()):
        yield name, command
        if isinstance(command, click.Group):
            for child_name, child in sorted(command.commands.items()):
                yield f"{name} {child_name}", child


@pytest.mark.parametrize("name, command", list(_commands()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_an_example(name, command):
    if isinstance(command, click.Group):
        return
    assert "Example:" in (command.help or ""), f"dyad {name} has no Example: block in its docstring"


def test_cli_reference_is_current():
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (ROOT / "docs" / "cli.md").read_text()
    assert current == module.render(), "docs/cli.md is stale: run `python scripts/cli_docs.py`"


def test_every_indicator_method_is_documented():
    methods = "\n".join(p.read_text() for p in (ROOT / "docs").rglob("*.md"))
    for ind in all_indicators():
        anchored = f'id="{ind.method}"' in methods or f"{{#{ind.method}}}" in methods
        assert anchored, f"no docs anchor for method {ind.method!r} of {ind.id} (<a id=...> or {{#...}})"
        assert f"`{ind.id}`" in methods, f"indicator {ind.id} is not named in docs/"


def test_every_source_is_documented():
    from dyad.sources import all_adapters

    text = "\n".join(p.read_text() for p in (ROOT / "docs").rglob("*.md"))
    for adapter in all_adapters():
        if adapter.name.startswith("test-"):
            continue
        assert f"`{adapter.name}`" in text, f"source {adapter.name} is not documented in docs/"
