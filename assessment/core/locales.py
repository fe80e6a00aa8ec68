"""The languages the product speaks, and how their names map between libraries.

Flask-Babel names locales ``zh_CN`` (Babel reads it as ``zh_Hans_CN``, whose catalogue is
found under ``translations/zh``); content files and HTML use ``zh-CN``.
"""

from __future__ import annotations

import os

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"


def babel_locale(name: str | None) -> str:
    """The supported Babel locale closest to ``name`` (``zh-CN``, ``en-GB``, ``zh``...)."""
    if name and name.replace("-", "_").lower().startswith("en"):
        return "en"
    if name and name.lower().startswith("zh"):
        return "zh_CN"
    return DEFAULT_LOCALE


def content_key(name: str) -> str:
    """The key of a content text for a locale: ``zh-CN`` or ``en``."""
    return "en" if babel_locale(name) == "en" else "zh-CN"


def html_lang(name: str) -> str:
    return content_key(name)


def terminal_locale() -> str:
    """The terminal's language from ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``: ``zh_CN`` or ``en``."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"
