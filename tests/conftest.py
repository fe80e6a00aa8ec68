import pytest

from assessment import create_app
from assessment.config import TestingConfig


@pytest.fixture
def app():
    return create_app(TestingConfig)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def questionnaire(app):
    with app.app_context():
        from assessment.content.registry import current_library

        return current_library().latest_published()
