"""Progress bars for long work (ingest of many files, downloads, report build).

Bars go to stderr and only when stderr is a terminal, so logs and CI output stay clean;
``DYAD_PROGRESS=0`` turns them off and ``DYAD_PROGRESS=1`` forces them on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def wanted(enabled: bool | None = None) -> bool:
    """Whether to draw bars: explicit choice, else ``DYAD_PROGRESS``, else stderr is a TTY."""
    if enabled is not None:
        return enabled
    env = os.environ.get("DYAD_PROGRESS")
    if env in ("0", "1"):
        return env == "1"
    return sys.stderr.isatty()


def progress(items: Iterable[T], desc: str, unit: str = "it", enabled: bool | None = None,
             total: int | None = None) -> Iterator[T]:
    """Iterate ``items`` with a tqdm bar on stderr when :func:`wanted`; plain iteration otherwise."""
    if not wanted(enabled):
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, unit=unit, total=total, file=sys.stderr, leave=False)
