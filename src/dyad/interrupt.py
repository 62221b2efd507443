"""Ctrl-C stops the whole command, even where a step catches errors to report them and go on.

DuckDB turns a SIGINT that arrives during a query into ``duckdb.InterruptException``, an ordinary
exception that a step reporting failures (an ingest in ``dyad report --data``, an indicator of the report)
would catch and pass over. :func:`install` (called by the command line's entry point) records that the user
asked to stop; :func:`check` raises :class:`KeyboardInterrupt` from then on, and the store calls it before
every query and after a failed ingest, so the command ends within one query of the key press, exits
non-zero and writes no partial output (outputs are written to a temporary name and renamed at the end).
"""

from __future__ import annotations

import signal
import sys
import threading

_requested = threading.Event()


def _handler(signum, frame):
    _requested.set()
    raise KeyboardInterrupt


def install() -> None:
    """Record Ctrl-C (then raise KeyboardInterrupt as Python does); only from the main thread."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _handler)
        previous = sys.unraisablehook

        def quiet(args):
            # a C extension's callback (pyreadr's parser) cannot raise the interrupt: it is reported as
            # "unraisable" with a traceback; the command stops anyway, with one line
            if not (_requested.is_set() and issubclass(args.exc_type, KeyboardInterrupt)):
                previous(args)

        sys.unraisablehook = quiet
        hook = sys.excepthook

        def quiet_print(kind, value, tb):
            # Cython callbacks (pyreadr's parser) print an exception they cannot raise through sys.excepthook
            if not (_requested.is_set() and issubclass(kind, KeyboardInterrupt)):
                hook(kind, value, tb)

        sys.excepthook = quiet_print


def requested() -> bool:
    return _requested.is_set()


def check() -> None:
    """Raise KeyboardInterrupt if the user pressed Ctrl-C during this command."""
    if _requested.is_set():
        raise KeyboardInterrupt


def is_interrupt(exc: BaseException) -> bool:
    """Is ``exc`` an interrupt (Ctrl-C), possibly in DuckDB's clothing?"""
    import duckdb

    return isinstance(exc, (KeyboardInterrupt, duckdb.InterruptException)) or _requested.is_set()
