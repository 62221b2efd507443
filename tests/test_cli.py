"""The command line, driven as a user would, over a store with the real UN votes."""

import io
import json
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import need_data
from dyad.cli import cli


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    result = CliRunner().invoke(cli, ["--store", str(path), "ingest", "unvotes", "--from",
                                      str(need_data("unvotes", "un_votes.rda"))])
    assert result.exit_code == 0, result.output
    assert "read 870,109 rows" in result.output
    for name in ("un_roll_calls.rda", "un_roll_call_issues.rda"):
        CliRunner().invoke(cli, ["--store", str(path), "ingest", "unvotes", "--from", str(need_data("unvotes", name))])
    return path


def run(store_path, *args):
    result = CliRunner().invoke(cli, ["--store", str(store_path), *args])
    assert result.exit_code == 0, result.output
    return result.stdout      # notes (existence, coverage, thin values) go to stderr


def test_alignment_csv_and_json_are_tidy(store_path):
    frame = pd.read_csv(io.StringIO(run(store_path, "alignment", "CHN", "RUS", "--format", "csv", "--no-ci")))
    assert list(frame.columns[:6]) == ["a", "b", "period", "indicator", "value", "n"]
    assert frame["period"].min() == 1971 and (frame["a"] == "CHN").all()
    rows = json.loads(run(store_path, "alignment", "China", "Russian Federation", "--by", "all", "--format", "json"))
    assert rows[0]["n"] == 4489 and rows[0]["ci_low"] < rows[0]["value"] < rows[0]["ci_high"]


def test_top_partners(store_path):
    frame = pd.read_csv(io.StringIO(run(store_path, "alignment", "CHN", "--year", "2018", "--top", "5",
                                        "--format", "csv")))
    assert len(frame) == 5 and "CHN" not in set(frame["b"]) and frame["value"].is_monotonic_decreasing


def test_sources_shows_what_is_loaded(store_path):
    rows = json.loads(run(store_path, "sources", "--format", "json"))
    assert rows[0]["source"] == "unvotes" and rows[0]["ingests"] == 3
    runs = json.loads(run(store_path, "sources", "--runs", "--format", "json"))
    assert all(len(r["sha256"]) == 64 for r in runs)


def test_unknown_country_is_a_clear_error(store_path):
    proc = subprocess.run([sys.executable, "-m", "dyad", "--store", str(store_path), "alignment", "CHN", "Rusia"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "unknown country" in proc.stderr and "russia" in proc.stderr and "Traceback" not in proc.stderr


def test_help_shows_examples():
    result = CliRunner().invoke(cli, ["alignment", "--help"])
    assert "dyad alignment CHN --year 2018 --top 10" in result.output
