"""Free text as it is stored: no control characters, Unix line ends.

PostgreSQL refuses NUL in text, and no person means to type a control character; they
come from broken clients or attacks. Every service that stores free text passes it here.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """``text`` without control characters (tabs and line ends kept), stripped."""
    return CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
