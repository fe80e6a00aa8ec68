import pytest
from sqlalchemy import select

from assessment.extensions import db
from assessment.models import Organisation
from tests.reports.conftest import demo  # noqa: F401 - the fixture, for this folder's tests


@pytest.fixture
def organisation_id(app, demo):  # noqa: F811 - the fixture imported above
    """The first demo organisation (Shenzhen), with its submitted assessments."""
    with app.app_context():
        return db.session.execute(select(Organisation.id).order_by(Organisation.id)).scalar()
