"""Asking for every report of a portfolio or an organisation, in one language and format."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from assessment.batches.service import LANGUAGES
from assessment.reports.formats import FORMATS, PDF


class BatchForm(FlaskForm):
    # Sent by the page's buttons, one per language (labelled with the language's own name).
    language = SelectField(choices=list(LANGUAGES), validators=[InputRequired()])
    # PDF unless the Word document is chosen (a form without the field asks for PDFs).
    format = SelectField(choices=list(FORMATS), default=PDF.name)
