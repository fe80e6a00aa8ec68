"""The content the running app serves: loaded once at start-up, kept on the app."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app

from assessment.core.content.library import ContentLibrary, load_library
from assessment.core.errors import ContentError

log = logging.getLogger(__name__)

EXTENSION_KEY = "content"


def init_content(app: Flask) -> None:
    """Load the content; a broken file is logged and reported on use, not at import."""
    try:
        app.extensions[EXTENSION_KEY] = load_library(Path(app.config["CONTENT_DIR"]))
    except ContentError as error:
        log.error(
            "the content in %s has %d problem(s); run 'flask content check' to list them",
            app.config["CONTENT_DIR"],
            len(error.problems),
        )
        app.extensions[EXTENSION_KEY] = error


def current_library() -> ContentLibrary:
    loaded = current_app.extensions[EXTENSION_KEY]
    if isinstance(loaded, ContentError):
        raise loaded
    return loaded
