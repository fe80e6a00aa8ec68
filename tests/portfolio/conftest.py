"""The demo firm's portfolio, and reading its rows off a page."""

import json
import re
from pathlib import Path

import pytest

from assessment.demo.service import read_demo

ENGLISH = {"Accept-Language": "en"}


def listed(runner):
    return json.loads(runner.invoke(args=["assessments", "list", "--json"]).output)


@pytest.fixture
def demo_loaded(app, runner):
    """The demo firm's clients' assessments (not those of the peers, served by no firm)."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    peers = {peer.name for peer in read_demo(Path(app.config["CONTENT_DIR"])).peers}
    return [row for row in listed(runner) if row["organisation"] not in peers]


def rows_of(page):
    return re.findall(r'<th scope="row">(?:<a [^>]*>)?([^<]+)', page)
