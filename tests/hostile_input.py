"""Hypothesis strategies for hostile input, and what must never be stored of it."""

import unicodedata

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Every kind of character, lone surrogates included: JSON can carry them as escapes.
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=300)
# What a form can carry: its fields are UTF-8, which has no lone surrogates.
form_text = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "a\x00b",
            "\x07\x1b[31mred",
            "\x85\x9bC1",
            "\u202egnp.exe",
            "\u2066isolated\u2069",
            "line\u2028separator",
            "\r\n\r\n",
            "<script>alert(1)</script>",
            "x" * 5000,
            "中文" * 3000,
        ]
    ),
)
hostile_settings = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def unsafe_characters(text: str | None) -> list[str]:
    """What no stored text may hold: control characters but tab and line feed, lone
    surrogates, and the bidirectional controls that reorder how text is shown."""
    return [
        character
        for character in text or ""
        if (unicodedata.category(character) in ("Cc", "Cs") and character not in "\t\n")
        or 0x202A <= ord(character) <= 0x202E
        or 0x2066 <= ord(character) <= 0x2069
    ]
