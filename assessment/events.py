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
