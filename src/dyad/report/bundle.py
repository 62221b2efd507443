"""The Vega, Vega-Lite and vega-embed JavaScript, from vl-convert, for inlining (no CDN).

Building the bundle takes a few seconds, so it is kept in the user cache folder keyed by the
vl-convert version; a damaged or missing cache file is simply rebuilt.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def _cache_file() -> Path | None:
    try:
        import platformdirs
        import vl_convert as vlc

        version = vlc.__version__ if hasattr(vlc, "__version__") else vlc.get_vega_embed_version()
        return Path(platformdirs.user_cache_dir("dyad")) / f"vega-bundle-{version}-{vlc.get_vega_version()}.js"
    except Exception:  # noqa: BLE001 - no cache folder: build in memory every time
        return None


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """JavaScript that defines ``vegaEmbed``, ``vega`` and ``vegaLite`` on ``window``."""
    import vl_convert as vlc

    cache = _cache_file()
    if cache is not None and cache.is_file():
        text = cache.read_text(encoding="utf-8")
        if "vegaEmbed" in text and len(text) > 100_000:
            return text
    text = vlc.javascript_bundle()  # type: ignore[call-arg]  # the stub omits the default snippet
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(cache)
        except OSError:
            pass
    return text


def script_safe(text: str) -> str:
    """Text that cannot close the ``<script>`` element it is inlined in."""
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")
