"""Maturity self-assessment for the industrial-internet upgrade and AI adoption."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

import flask_babel
from flask import Flask, request, session

from assessment.config import ROOT, Config, environment_config, refuse_unusable_configuration
from assessment.core import locales, messages
from assessment.extensions import babel, csrf, db, limiter, login_manager, migrate
from assessment.mail import init_mail

log = logging.getLogger(__name__)


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Config)
    if config is None:
        config = environment_config()  # APP_ENV=production: ProductionConfig
    if isinstance(config, dict):
        app.config.from_mapping(config)
    elif config is not None:
        app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    refuse_unusable_configuration(app.config)  # production: no SQLite, no generated key
    _init_secret_key(app)
    _init_database_url(app)
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")

    from assessment.web.serving import init_serving
    from assessment.web.urls import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added

    init_serving(app)  # first, so that every request gets its id and access line

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    messages.install_translator(flask_babel.gettext)  # the core's messages, too
    _init_login(app)
    limiter.init_app(app)
    init_mail(app)

    from assessment.content.registry import init_content

    init_content(app)

    from assessment.accounts.sso import init_sso
    from assessment.accounts.sso_views import bp as sso_bp
    from assessment.accounts.views import bp as accounts_bp
    from assessment.admin.views import bp as admin_bp
    from assessment.api.views import bp as api_bp
    from assessment.audit.views import bp as audit_bp
    from assessment.batches.views import bp as batches_bp
    from assessment.evidence.views import bp as evidence_bp
    from assessment.exports.views import bp as exports_bp
    from assessment.health.views import bp as health_bp
    from assessment.history.views import bp as history_bp
    from assessment.home.views import bp as home_bp
    from assessment.people.views import bp as people_bp
    from assessment.plans.roadmap_views import bp as roadmap_bp
    from assessment.plans.views import bp as plans_bp
    from assessment.portfolio.views import bp as portfolio_bp
    from assessment.questionnaire.views import bp as questionnaire_bp
    from assessment.reports.pdf import warn_if_slow_fonts
    from assessment.reports.views import bp as reports_bp
    from assessment.respondents.views import bp as respondents_bp
    from assessment.web.errors import refuse_oversized_requests, register_error_handlers
    from assessment.web.security import init_security
    from assessment.web.templating import init_templating
    from assessment.webhooks.views import bp as webhooks_bp

    init_templating(app)
    init_security(app)

    app.register_blueprint(home_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(sso_bp)
    init_sso(app)  # with OIDC_ISSUER: the identity provider's client
    app.register_blueprint(portfolio_bp)
    app.register_blueprint(history_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(roadmap_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(respondents_bp)
    app.register_blueprint(questionnaire_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(batches_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(webhooks_bp)
    warn_if_slow_fonts()
    register_error_handlers(app)
    refuse_oversized_requests(app)

    from assessment.batches.jobs import init_jobs
    from assessment.cli import register_commands
    from assessment.reports.ahead import init_ahead
    from assessment.webhooks.service import init_webhooks

    register_commands(app)
    init_jobs(app)  # the batches folder, and `flask worker`
    init_ahead(app)  # with a queue, reports are made when their assessment is submitted
    init_webhooks(app)  # events become signed messages to organisations' endpoints
    return app


def select_locale() -> str:
    """The user's choice, then the browser's Accept-Language, then Chinese."""
    chosen = session.get("locale")
    if chosen in locales.LOCALES:
        return chosen
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    return locales.babel_locale(best)


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from assessment.models import User

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The signed-in user; a deactivated account is signed out at its next request."""
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None


def _init_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32), encoding="ascii")
        key_file.chmod(0o600)
        log.info("generated a new secret key in %s", key_file)
    app.config["SECRET_KEY"] = key_file.read_text(encoding="ascii").strip()


def _init_database_url(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'assessment.db'}"
        )
