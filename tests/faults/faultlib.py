"""Helpers for the fault tests: a store's content fingerprint and subprocesses running dyad code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def fingerprint(store) -> dict[str, tuple[int, int]]:
    """Per canonical table holding rows: (row count, order-free hash of every row), read with plain SQL.

    Empty tables are left out: an ingest that quarantines every row may create its (empty) table."""
    from dyad import schema

    out = {}
    for name in schema.TABLES:
        if store.has_table(name):
            frame = store.sql(f'SELECT * FROM "{name}"')
            if len(frame):
                out[name] = (len(frame), int(pd.util.hash_pandas_object(frame.astype(str), index=False).sum()))
    return out


def python_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def spawn(code: str, *args: str, **env: str) -> subprocess.Popen:
    """Start ``python -c code args...`` with this worktree's dyad importable; stderr piped."""
    return subprocess.Popen([sys.executable, "-c", code, *args], env=python_env(**env), cwd=str(ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
