"""Free text is stored without anything that breaks its display, and otherwise as typed."""

from hypothesis import given
from hypothesis import strategies as st

from assessment.core.text import clean_text
from tests.hostile_input import any_text, unsafe_characters


@given(any_text)
def test_cleaned_text_has_no_control_character_bidi_control_or_lone_surrogate(text):
    cleaned = clean_text(text)
    assert unsafe_characters(cleaned) == []
    cleaned.encode("utf-8")  # every database can store it


@given(any_text.filter(lambda text: not unsafe_characters(text)))
def test_text_without_unsafe_characters_is_kept_but_for_line_ends_and_outer_space(text):
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    expected = expected.replace("\u2028", "\n").replace("\u2029", "\n")
    assert clean_text(text) == expected.strip()


@given(st.sampled_from(["\r\n", "\r", "\u2028", "\u2029"]))
def test_every_kind_of_line_end_becomes_a_line_feed(line_end):
    assert clean_text(f"one{line_end}two") == "one\ntwo"


def test_c1_controls_bidi_overrides_and_surrogates_are_dropped():
    assert clean_text("a\x85b\x9bc\u202ed\u2066e\ud800f") == "abcdef"
    assert clean_text("emoji \U0001f468\u200d\U0001f469 and 中文\tstay") == (
        "emoji \U0001f468\u200d\U0001f469 and 中文\tstay"
    )
