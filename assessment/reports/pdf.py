"""PDF rendering with WeasyPrint: fonts subset by HarfBuzz, nothing fetched from outside.

See ../shared/PDF-NOTES.md: Chinese is set in Noto Sans CJK SC (Debian's fonts-noto-cjk)
and subset with HarfBuzz (libharfbuzz-subset0); without it WeasyPrint falls back to
fontTools and a report takes seconds instead of a fraction of one.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Collection
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import tinyhtml5.inputstream
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)


class _CharacterRunPatterns(dict):
    """tinyhtml5's cache of the patterns that read a run of characters, filled right.

    tinyhtml5 2.1 (WeasyPrint's HTML parser) stores each compiled pattern under the pattern
    instead of the characters it stands for (``characters = cache[key] = regex`` assigns
    ``characters`` first), so its look-ups never hit and every run of text, attribute or
    white space compiles its pattern again: half of the time it takes to parse a report.
    Filled on a miss, under the key it is looked up by, the cache hits; the patterns are
    the ones tinyhtml5 builds."""

    def __missing__(self, key: tuple[Collection[str], bool]) -> re.Pattern[str]:
        characters, opposite = key
        listed = "".join(f"\\x{ord(character):02x}" for character in characters)
        pattern = self[key] = re.compile(f"[{listed if opposite else '^' + listed}]+")
        return pattern


tinyhtml5.inputstream.characters_until_regex = _CharacterRunPatterns()


def harfbuzz_subsetting_available() -> bool:
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def warn_if_slow_fonts() -> None:
    if not harfbuzz_subsetting_available():
        log.warning(
            "HarfBuzz font subsetting is missing: PDF reports will take seconds each. "
            "Install the Debian package libharfbuzz-subset0 (make run / make test do)."
        )


class RestrictedURLFetcher(URLFetcher):
    """Serves only files below ``allowed_roots`` or listed in ``allowed_files``.

    Every other URL (http, https, ftp, other ``file:`` paths) is refused: a report never
    reads the file system beyond the app's own static files and the stored logo, and
    never makes a network request, whatever a content file or user text contains.
    """

    def __init__(self, allowed_roots: tuple[Path, ...], allowed_files: tuple[Path, ...] = ()):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.allowed_roots = tuple(root.resolve() for root in allowed_roots)
        self.allowed_files = frozenset(path.resolve() for path in allowed_files)
        self.refused: list[str] = []

    def is_allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return True
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(url2pathname(parts.path)).resolve()
        return path in self.allowed_files or any(
            path.is_relative_to(root) for root in self.allowed_roots
        )

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if not self.is_allowed(url):
            self.refused.append(url)
            log.warning("report refused to fetch %s", url[:200])
            raise ValueError("this address is not allowed in reports")
        return super().fetch(url, headers)


@functools.cache
def _stylesheet(path: Path, modified: float) -> CSS:
    """The parsed print stylesheet, once per process (and again when the file changes)."""
    return CSS(filename=str(path), url_fetcher=RestrictedURLFetcher(allowed_roots=(path.parent,)))


_per_thread = threading.local()


def thread_font_config() -> FontConfiguration:
    """This thread's font configuration, kept between reports.

    A new one per report (WeasyPrint's default) loads the whole fontconfig configuration
    and opens the fonts again each time. Pango objects are not shared between threads.
    """
    config = getattr(_per_thread, "font_config", None)
    if config is None:
        config = _per_thread.font_config = FontConfiguration()
    return config


def render_pdf(html: str, stylesheet: Path, fetcher: RestrictedURLFetcher) -> bytes:
    """Render report HTML to PDF bytes, with fonts embedded as subsets."""
    document = HTML(string=html, base_url=stylesheet.parent.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[_stylesheet(stylesheet, stylesheet.stat().st_mtime)],
        font_config=thread_font_config(),
    )
