"""Asking for every report of a portfolio or an organisation, in one language."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from assessment.batches.service import LANGUAGES


class BatchForm(FlaskForm):
    # Sent by the page's buttons, one per language (labelled with the language's own name).
    language = SelectField(choices=list(LANGUAGES), validators=[InputRequired()])
