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


class heartbeat:
    """While a long step runs, a line on stderr every ``$DYAD_PROGRESS_EVERY`` seconds (default 10):
    ``dyad: ingest gdelt x.CSV: working, 20 s``.

    Bars say nothing while one big file is parsed, and nothing at all in logs (stderr not a terminal):
    these lines do, so a logged run is never silent for long. ``DYAD_PROGRESS=0`` turns them off.
    """

    def __init__(self, label: str, every: float | None = None):
        self.label = label
        self.every = every if every is not None else float(os.environ.get("DYAD_PROGRESS_EVERY") or 10)
        self._stop = None
        self._thread = None

    def __enter__(self) -> heartbeat:
        import threading
        import time

        if os.environ.get("DYAD_PROGRESS") == "0" or self.every <= 0:
            return self
        self._stop = threading.Event()
        started = time.monotonic()

        def beat():
            while not self._stop.wait(self.every):
                print(f"dyad: {self.label}: working, {time.monotonic() - started:.0f} s", file=sys.stderr,
                      flush=True)

        self._thread = threading.Thread(target=beat, daemon=True, name="dyad-heartbeat")
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stop is not None:
            self._stop.set()
            self._thread.join(1.0)
