"""What happened, for other parts of the app to act on: blinker signals.

A module that changes something sends the signal after its commit; a module that cares
connects to it when the app is made, so the two never import each other.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

report_inputs_changed = _signals.signal("report-inputs-changed")
"""Sent (with ``assessment=``) once a change to what an assessment's report is made from
is committed: its submission, the consultant's commentary and logo, or the organisation's
target levels (sent for its latest submitted assessment)."""

assessment_submitted = _signals.signal("assessment-submitted")
"""Sent (with ``assessment=``) once an organisation's assessment (not a respondent's own
sheet) is submitted and committed."""

report_stored = _signals.signal("report-stored")
"""Sent (with ``assessment=``, ``language=`` and ``report_format=``, pdf or docx) once a
report is made and stored, ready to be downloaded at once: made ahead by a worker, or by
the first download."""

targets_saved = _signals.signal("targets-saved")
"""Sent (with ``organisation=``) once a change to an organisation's target levels is
committed."""
