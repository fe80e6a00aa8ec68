from tests.plans.conftest import demo, organisation_id  # noqa: F401 - the same fixtures
