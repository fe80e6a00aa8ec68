"""The account map of single sign-on, read from its JSON text."""

import json

import pytest

from assessment.core.sso import LARGEST_FIRM_ID, read_account_map

MAP = {
    "acme.example": {"firm": "Acme Advisory", "role": "consultant"},
    "group:partners": {"firm": 7, "role": "consultant"},
    "group:also-acme": {"firm": "ACME advisory", "role": "consultant"},
}


def firms_for(email, groups=()):
    account_map, problems = read_account_map(json.dumps(MAP))
    assert problems == []
    return [rule.firm for rule in account_map.rules_for(email, groups)]


def test_a_domain_matches_exactly_and_in_any_case():
    assert firms_for("Someone@ACME.example") == ["Acme Advisory"]
    assert firms_for("someone@eu.acme.example") == []
    assert firms_for("someone@acme.example.evil") == []


def test_a_matching_group_comes_before_the_domain():
    assert firms_for("someone@acme.example", ["partners"]) == [7]
    assert firms_for("someone@acme.example", ["unknown-group"]) == ["Acme Advisory"]


def test_groups_naming_one_firm_in_two_spellings_are_one_rule():
    assert firms_for("x@elsewhere.example", ["also-acme"]) == ["ACME advisory"]
    assert len(firms_for("x@elsewhere.example", ["partners", "also-acme"])) == 2


@pytest.mark.parametrize("text", [None, "", "  "])
def test_no_map_makes_no_accounts(text):
    account_map, problems = read_account_map(text)
    assert problems == []
    assert account_map.rules_for("someone@acme.example") == []


@pytest.mark.parametrize("firm", [0, -1, LARGEST_FIRM_ID + 1, True, "", "  ", None, 1.5])
def test_a_firm_must_be_a_name_or_an_id_a_database_holds(firm):
    _, problems = read_account_map(json.dumps({"a.example": {"firm": firm, "role": "consultant"}}))
    assert len(problems) == 1
    assert "names no firm" in problems[0]
