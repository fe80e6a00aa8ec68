"""Free text as it is stored: nothing that breaks its display, Unix line ends.

PostgreSQL refuses NUL in text, and no person means to type a control character; they
come from broken clients or attacks. Every service that stores free text passes it here.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed; DEL and the C1 controls; the bidirectional
# embeddings, overrides and isolates, which reorder how the text around them is shown
# (a name could then read as another); and lone surrogates, which are not characters at
# all (JSON can escape them; no database can store them).
UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
LINE_ENDS = re.compile("\r\n|[\r\u2028\u2029]")


def clean_text(text: str) -> str:
    """``text`` without unsafe characters (tabs and line ends kept, as ``\\n``), stripped."""
    return UNSAFE_CHARACTERS.sub("", LINE_ENDS.sub("\n", text)).strip()
