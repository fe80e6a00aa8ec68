"""Every interface text is in the Chinese catalogue, translated."""

import subprocess
import sys

from babel.messages.pofile import read_po

from assessment.config import PACKAGE, ROOT

CATALOGUE = PACKAGE / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def test_every_interface_text_has_a_chinese_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as handle:
        used = {message.id for message in read_po(handle) if message.id}
    with CATALOGUE.open("rb") as handle:
        catalogue = {m.id: m for m in read_po(handle) if m.id}
    assert sorted(used - set(catalogue)) == [], "run 'make messages' and translate"
    untranslated = sorted(i for i in used if not catalogue[i].string or catalogue[i].fuzzy)
    assert untranslated == []
