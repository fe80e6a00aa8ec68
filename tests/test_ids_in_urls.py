"""An id in an address larger than any id column holds names nothing: a 404 like any
other unknown id, on every database (PostgreSQL refuses to compare it with an integer)."""

import pytest

from assessment.accounts import service as accounts
from assessment.models import UserRole
from tests.conftest import ACCOUNT_PASSWORD
from tests.reports.conftest import log_in

HUGE = 10**11


@pytest.mark.parametrize(
    "path",
    [
        f"/organisations/{HUGE}",
        f"/organisations/{HUGE}/audit",
        f"/admin/firms/{HUGE}",
        f"/batches/{HUGE}",
        f"/api/v1/organisations/{HUGE}",
    ],
)
def test_an_id_too_large_for_any_row_is_not_found(app, client, path):
    with app.app_context():
        accounts.create_user("admin@example.com", ACCOUNT_PASSWORD, UserRole.ADMIN)
    log_in(client, "admin@example.com", ACCOUNT_PASSWORD)
    assert client.get(path).status_code == 404
