"""What hostile input looks like, for every registered adapter: file extensions and broken contents."""

from __future__ import annotations

import gzip
import io
import random
import re
import zipfile

from dyad import sources

_EXT = re.compile(r"\.[A-Za-z][A-Za-z0-9]*(?:\.(?:gz|zip|bz2|xz))?")


def extensions(adapter) -> list[str]:
    """The file name endings an adapter reads, from its ``formats`` text (plus ``.csv`` if none is text)."""
    found = _EXT.findall(getattr(adapter, "formats", "") or "")
    seen: list[str] = []
    for ext in found:
        if ext.lower() not in (e.lower() for e in seen):
            seen.append(ext)
    # Formats described in words ("SIPRI CSV exports") or only as archives (".zip"): try a CSV name too.
    if not any(e.lower().endswith((".csv", ".tsv", ".tab", ".txt", ".csv.gz")) for e in seen):
        seen.append(".csv")
    return seen


def adapter_names() -> list[str]:
    return [a.name for a in sources.all_adapters()]


def garbage(n: int = 4096, seed: int = 9) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.getrandbits(8) for _ in range(n))


def corrupt_zip(inner_name: str = "data.csv") -> bytes:
    """A zip archive cut in the middle, with some bytes of the compressed stream flipped."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(inner_name, "".join(f"{i},{i * 7 % 13},x{i}\n" for i in range(3000)))
    data = bytearray(buf.getvalue()[: len(buf.getvalue()) // 2])
    for i in range(60, len(data), 97):
        data[i] ^= 0x5A
    return bytes(data)


def truncated_gzip() -> bytes:
    whole = gzip.compress(b"".join(b"%d,abc,%d\n" % (i, i) for i in range(5000)))
    return whole[: len(whole) // 3]


def hostile_contents() -> dict[str, bytes]:
    return {
        "empty": b"",
        "garbage": garbage(),
        "corrupt_zip": corrupt_zip(),
        "truncated_gzip": truncated_gzip(),
        "nul_bytes": b"\x00" * 2048,
        "only_newlines": b"\n\n\r\n\n",
        "one_long_line": one_long_line(),
    }


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def traversal_zip() -> bytes:
    """Members named outside the archive: dyad must refuse them, never read local files of those names."""
    row = b"Country Name,Country Code,Year,Value\nChina,CHN,2000,1\n"
    return zip_of({"../../x.csv": row, "/abs/x.csv": row})


def zeros_zip(megabytes: int = 40) -> bytes:
    """A small zip that unpacks a thousand times its size (a zip bomb in miniature)."""
    return zip_of({"data.csv": b"\x00" * (megabytes << 20)})


def hostile_archives() -> dict[str, bytes]:
    return {"traversal_zip": traversal_zip(), "zeros_zip": zeros_zip()}


def one_long_line(megabytes: int = 3) -> bytes:
    """One row of several megabytes (beyond DYAD_MAX_LINE for GDELT), with no newline."""
    return b"1," + b"a" * (megabytes << 20)
