"""Limits on what dyad reads: regular files only, zip members inside the archive, bounded unzipping and YAML.

Every input path goes through :func:`check_input` before it is opened: a FIFO, a device (``/dev/zero``), a
socket, or a symbolic link to one of them is refused with a clear error instead of hanging or filling memory.
Folders are walked without recursion, to a bounded depth.

Zip archives are read through :func:`zip_members` and :func:`extract_member`: a member named with an absolute
path or ``..`` is refused (dyad reads the archive's content, never a local file of the same name), and the
bytes unpacked are capped, per archive and by compression ratio, counting the bytes actually written rather
than what the archive's header claims.

YAML (calendars, agendas) is read with :func:`load_yaml`: a safe loader that refuses aliases beyond a small
number (billion-laughs expansion) and nesting beyond a depth, and files beyond a size.

The limits, each overridable by an environment variable (documented in docs/limits.md):

======================== =========================================================== ==============
variable                 what                                                        default
======================== =========================================================== ==============
DYAD_MAX_UNZIPPED        bytes unpacked from one archive (sum over its members)      64GB
DYAD_MAX_ZIP_RATIO       uncompressed / compressed size of one member                200
DYAD_MAX_LINE            bytes in one row of a GDELT file (e.g. a huge SOURCEURL)    1MiB
DYAD_MAX_YAML_BYTES      size of one YAML file                                       16MB
DYAD_MAX_YAML_ALIASES    YAML aliases (``*name``) in one file                        100
DYAD_MAX_YAML_DEPTH      nesting depth of one YAML document                          64
DYAD_MAX_YAML_NODES      values in one YAML document once its aliases are expanded   1000000
DYAD_MAX_FOLDER_DEPTH    folder levels below an input folder                         32
======================== =========================================================== ==============
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath

import yaml

from dyad.sources import SourceError

DEFAULTS = {
    "DYAD_MAX_UNZIPPED": "64GB",
    "DYAD_MAX_ZIP_RATIO": "200",
    "DYAD_MAX_LINE": "1MiB",
    "DYAD_MAX_YAML_BYTES": "16MB",
    "DYAD_MAX_YAML_ALIASES": "100",
    "DYAD_MAX_YAML_DEPTH": "64",
    "DYAD_MAX_YAML_NODES": "1000000",
    "DYAD_MAX_FOLDER_DEPTH": "32",
}
_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


class LimitError(SourceError):
    """An input beyond one of dyad's limits, or of a kind dyad does not read (not a regular file)."""


def limit(name: str) -> int:
    """The value of a limit: its environment variable if set, else the default; sizes may carry a unit."""
    text = os.environ.get(name) or DEFAULTS[name]
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not m or m[2].upper() not in _UNITS:
        raise LimitError(f"${name}={text!r} is not a number (sizes may end in KB, MB, GB, e.g. 10GB)")
    return int(float(m[1]) * _UNITS[m[2].upper()])


def _over(name: str) -> str:
    return f"raise the limit with the environment variable {name} (now {os.environ.get(name) or DEFAULTS[name]})"


# -- files and folders ------------------------------------------------------------------------------------------
def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return "not a regular file"


def regular_file(path: str | Path, what: str = "input") -> Path:
    """``path`` if it is (or links to) a regular file; else a LimitError naming it and what it is."""
    path = Path(path)
    try:
        st = os.stat(path)          # follows links: a link to /dev/zero is a device
    except OSError as exc:
        raise LimitError(f"{path}: cannot read the {what} ({exc.strerror or exc}).") from exc
    if not stat.S_ISREG(st.st_mode):
        target = f" (a link to {os.path.realpath(path)})" if os.path.islink(path) else ""
        raise LimitError(f"{path}{target} is {_kind(st.st_mode)}, not a regular file: dyad reads only regular "
                         f"files. Copy the data to a file and give that path.")
    return path


def walk_files(folder: str | Path) -> list[Path]:
    """Every file below ``folder`` (sorted), refusing special files, links to them, and deep nesting.

    Iterative (a folder nested a thousand levels deep is an error, not a RecursionError); links to folders
    are not followed.
    """
    folder = Path(folder)
    max_depth = limit("DYAD_MAX_FOLDER_DEPTH")
    out: list[Path] = []
    stack = [(folder, 0)]
    while stack:
        here, depth = stack.pop()
        try:
            entries = list(os.scandir(here))
        except OSError as exc:
            raise LimitError(f"{here}: cannot list the folder ({exc.strerror or exc}).") from exc
        for entry in entries:
            p = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > max_depth:
                    raise LimitError(f"{folder}: folders nested more than {max_depth} levels deep (at "
                                     f"{p.relative_to(folder).parts[0]}/...); give a shallower folder, or "
                                     f"{_over('DYAD_MAX_FOLDER_DEPTH')}.")
                stack.append((p, depth + 1))
            elif entry.is_symlink() and os.path.isdir(p):
                continue
            else:
                out.append(regular_file(p))
    return sorted(out)


def check_input(path: str | Path, archives: bool = True) -> list[Path]:
    """Refuse an input that is not a regular file or a folder of regular files (see the module docstring),
    and (``archives``) zips with members outside the archive or beyond the size limits; return the files."""
    path = Path(path)
    files = walk_files(path) if path.is_dir() else [regular_file(path)]
    if archives:
        for f in files:
            if f.suffix.lower() == ".zip":
                check_zip(f)
    return files


def check_zip(path: Path) -> None:
    """Refuse a zip whose member names leave the archive or whose declared sizes pass the limits (whatever
    reads it next: dyad's own extraction, pandas or DuckDB). An unreadable zip is left to the adapter."""
    try:
        with zipfile.ZipFile(path) as zf:
            zip_members(path, zf)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        if isinstance(exc, LimitError):
            raise


# -- zip archives --------------------------------------------------------------------------------------------
def safe_member_name(archive: Path, name: str) -> PurePosixPath:
    """A zip member's name as a relative path; absolute names and ``..`` are refused."""
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or PureWindowsPath(name).drive or ".." in posix.parts or not posix.parts:
        raise LimitError(f"{archive}: member {name!r} points outside the archive (absolute path or '..'); dyad "
                         "refuses such archives. Repack it with plain member names.")
    return posix


def zip_members(archive: Path, zf: zipfile.ZipFile, keep=lambda name: True) -> list[zipfile.ZipInfo]:
    """The archive's file members that ``keep(name)`` accepts, checked: safe names, declared sizes within
    the limits (a total beyond DYAD_MAX_UNZIPPED, or one member's ratio beyond DYAD_MAX_ZIP_RATIO)."""
    cap, ratio = limit("DYAD_MAX_UNZIPPED"), limit("DYAD_MAX_ZIP_RATIO")
    chosen = []
    for info in zf.infolist():
        if info.is_dir() or not keep(info.filename):
            continue
        safe_member_name(archive, info.filename)
        _check_ratio(archive, info, info.file_size, ratio)
        chosen.append(info)
    total = sum(i.file_size for i in chosen)
    if total > cap:
        raise LimitError(f"{archive}: its members unpack to {total:,} bytes, beyond dyad's limit of {cap:,}; "
                         f"{_over('DYAD_MAX_UNZIPPED')}.")
    return chosen


def _check_ratio(archive: Path, info: zipfile.ZipInfo, size: int, ratio: int) -> None:
    if size > 1 << 20 and size > ratio * max(info.compress_size, 1):
        raise LimitError(f"{archive}: member {info.filename!r} unpacks {size / max(info.compress_size, 1):,.0f} "
                         f"times its packed size (a zip bomb?); dyad allows {ratio}: {_over('DYAD_MAX_ZIP_RATIO')}.")


def extract_member(archive: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, folder: Path,
                   flat: bool = False) -> Path:
    """Unpack one member under ``folder`` (at its relative name, or its base name with ``flat``), counting
    the bytes written: more than the header declared, or beyond the limits, stops with a LimitError."""
    rel = safe_member_name(archive, info.filename)
    target = folder / (rel.name if flat else Path(*rel.parts))
    target.parent.mkdir(parents=True, exist_ok=True)
    cap, ratio = min(limit("DYAD_MAX_UNZIPPED"), info.file_size), limit("DYAD_MAX_ZIP_RATIO")
    written = 0
    with zf.open(info) as src, open(target, "wb") as dst:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > cap:
                dst.close()
                target.unlink()
                raise LimitError(f"{archive}: member {info.filename!r} unpacks to more than its declared "
                                 f"{info.file_size:,} bytes or dyad's limit; the archive is damaged or hostile. "
                                 f"{_over('DYAD_MAX_UNZIPPED')[0].upper()}{_over('DYAD_MAX_UNZIPPED')[1:]}.")
            dst.write(chunk)
    _check_ratio(archive, info, written, ratio)
    return target


def free_space_check(folder: Path, need: int, archive: Path) -> None:
    """Refuse to unpack ``need`` bytes into a folder with less free space (plus a margin)."""
    free = shutil.disk_usage(folder).free
    if need > free - (256 << 20):
        raise LimitError(f"{archive}: unpacking needs {need:,} bytes but {folder} has {free:,} free; set TMPDIR "
                         "to a folder with more space.")


# -- YAML ---------------------------------------------------------------------------------------------------------
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BoundedLoader(yaml.SafeLoader):
    """A pure-Python safe loader that counts aliases and nesting while composing the document."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0
        self._max_aliases = limit("DYAD_MAX_YAML_ALIASES")
        self._max_depth = limit("DYAD_MAX_YAML_DEPTH")

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > self._max_aliases:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(f"more than {self._max_aliases} aliases (line {mark.line + 1}): "
                                     f"{_over('DYAD_MAX_YAML_ALIASES')}")
        self._depth += 1
        try:
            if self._depth > self._max_depth:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(f"nested more than {self._max_depth} levels deep (line {mark.line + 1}): "
                                     f"{_over('DYAD_MAX_YAML_DEPTH')}")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self):
        node = super().compose_document()
        cap = limit("DYAD_MAX_YAML_NODES")
        size = _expanded_size(node, {})
        if size > cap:
            raise yaml.YAMLError(f"the document expands to {size:,} values through its aliases, beyond "
                                 f"{cap:,} (billion laughs?): {_over('DYAD_MAX_YAML_NODES')}")
        return node


def _expanded_size(node, memo: dict[int, int]) -> int:
    """How many values a node stands for once every alias is expanded (shared nodes counted each time)."""
    key = id(node)
    if key in memo:
        return memo[key]
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(n, memo) for n in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    else:
        size = 1
    memo[key] = size
    return size


def read_text(path: Path, limit_name: str = "DYAD_MAX_YAML_BYTES") -> str:
    """A small text file (YAML), refused if it is not a regular file or larger than the limit."""
    regular_file(path)
    cap = limit(limit_name)
    with open(path, "rb") as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise LimitError(f"{path}: larger than dyad's limit of {cap:,} bytes for this kind of file; "
                         f"{_over(limit_name)}.")
    return data.decode("utf-8")


def load_yaml(text: str, loader: type | None = None):
    """Parse YAML text with ``loader`` (a :class:`BoundedLoader` subclass; default BoundedLoader).

    Errors are ``yaml.YAMLError``; text beyond the size limit or nesting that defeats the parser (a deep
    flow sequence) is one too, never a RecursionError.
    """
    cap = limit("DYAD_MAX_YAML_BYTES")
    if len(text) > cap:
        raise yaml.YAMLError(f"the YAML text is larger than {cap:,} characters: {_over('DYAD_MAX_YAML_BYTES')}")
    try:
        return yaml.load(text, Loader=loader or BoundedLoader)  # noqa: S506 -- a SafeLoader subclass
    except RecursionError:
        raise yaml.YAMLError(f"nested too deep to parse: {_over('DYAD_MAX_YAML_DEPTH')}") from None
