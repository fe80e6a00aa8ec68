"""The form that adds a webhook endpoint: its address, checked at once, and its events."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, URLField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from assessment.models import WEBHOOK_URL_MAX_LENGTH
from assessment.webhooks.addresses import REFUSAL_MESSAGES, AddressRefusedError, resolve
from assessment.webhooks.payloads import EVENT_LABELS, EVENT_TYPES


class EndpointForm(FlaskForm):
    url = URLField(
        _l("Address"),
        validators=[
            DataRequired(message=_l("Write the address the messages go to.")),
            Length(max=WEBHOOK_URL_MAX_LENGTH),
        ],
    )
    events = SelectMultipleField(
        _l("Events"),
        choices=[SelectChoice(event_type, EVENT_LABELS[event_type]) for event_type in EVENT_TYPES],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Choose at least one event."))],
    )

    def validate_url(self, field: URLField) -> None:
        """The address as a sender will see it: scheme, host found, a public address."""
        try:
            resolve(field.data or "", allow_private=current_app.config["WEBHOOK_ALLOW_PRIVATE"])
        except AddressRefusedError as refused:
            raise ValidationError(str(REFUSAL_MESSAGES[refused.refusal])) from None
