"""Text for people, written in the pure core and translated by the application.

The core imports no Flask, yet what it reports (a content problem, an answer file it
cannot read) is read by a person in their language. Its messages are marked with the
same names as Flask-Babel's, so that ``make messages`` extracts them with the rest, and
are translated by the function that the application installs when it starts
(``install_translator(flask_babel.gettext)``). Until then, and wherever no application
runs, they read in English, as Flask-Babel's do outside a request.
"""

from __future__ import annotations

from collections.abc import Callable

from babel.support import LazyProxy

Translator = Callable[[str], str]


def _untranslated(message: str) -> str:
    return message


_translate: Translator = _untranslated


def install_translator(translate: Translator) -> None:
    """Translate every core message with ``translate`` from now on."""
    global _translate
    _translate = translate


def gettext(message: str, **variables: object) -> str:
    text = _translate(message)
    return text % variables if variables else text


def lazy_gettext(message: str, **variables: object) -> LazyProxy:
    """A message translated each time it is read, in the language in force then."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)
