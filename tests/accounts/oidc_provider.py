"""A small, real OpenID Connect provider on loopback, for the single sign-on tests.

Built from Authlib's server side (the authorisation code grant with PKCE and the OpenID
Connect extension), keys from joserfc, in a Flask app of its own that werkzeug serves in
a thread on 127.0.0.1: a discovery document, a JWKS, an authorisation endpoint that
consents at once for the person the test chose, and a token endpoint that checks the
client, the code (once), the redirect address and the PKCE verifier.

The test chooses the person's claims (``provider.person``) and may make the provider
misbehave (``provider.misbehave``): sign ID tokens for another audience, issue them
already expired, or sign them with a key that is not in its JWKS.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "maturity-assessment"
CLIENT_SECRET = "a client secret for tests only"
REDIRECT_URI = "http://localhost/login/sso/callback"  # the app's, under the test client
KEY_ID = "provider-key-1"
WRONG_AUDIENCE = "wrong-audience"
EXPIRED = "expired"
FOREIGN_KEY = "foreign-key"


@dataclass
class Client:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    redirect_uris: tuple[str, ...] = (REDIRECT_URI,)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "email", "profile", "groups"}
        return " ".join(word for word in scope.split() if word in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    person: dict[str, Any]
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Provider:
    """The provider, serving on 127.0.0.1 from ``start()`` to ``stop()``."""

    def __init__(self) -> None:
        self.person: dict[str, Any] = {
            "sub": "person-1",
            "email": "someone@example.com",
            "email_verified": True,
            "name": "Someone",
        }
        self.misbehave: set[str] = set()
        self.codes: dict[str, Code] = {}
        self.authorisation_requests: list[dict[str, str]] = []
        self.token_errors: list[str] = []
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID})
        self.foreign_key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID})
        self.client = Client()
        self.app = self._make_app()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)

    def consent(self, authorisation_url: str) -> str:
        """Open the authorisation address as the person's browser would (a real HTTP GET)
        and return where the provider sends them back: the app's callback, with the code
        and the state."""
        answer = requests.get(authorisation_url, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    # -- the provider's Flask app -------------------------------------------------------

    def _make_app(self) -> Flask:
        app = Flask("oidc_provider")
        server = AuthorizationServer(
            app,
            query_client=lambda client_id: self.client if client_id == CLIENT_ID else None,
            save_token=lambda token, request: None,
        )
        server.register_grant(
            self._code_grant(), [CodeChallenge(required=True), self._openid_extension()]
        )

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                scopes_supported=["openid", "email", "profile", "groups"],
                token_endpoint_auth_methods_supported=["client_secret_basic"],
                code_challenge_methods_supported=["S256"],
                claims_supported=["sub", "email", "email_verified", "name", "groups"],
            )

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize() -> Any:
            from flask import request

            self.authorisation_requests.append(request.args.to_dict())
            person = dict(self.person)
            grant = server.get_consent_grant(end_user=person)  # consents at once
            return server.create_authorization_response(grant=grant, grant_user=person)

        @app.post("/token")
        def token() -> Any:
            response = server.create_token_response()
            if response.status_code != 200:
                self.token_errors.append(response.get_json().get("error"))
            return response

        return app

    def _code_grant(self) -> type:
        provider = self

        class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")

            def save_authorization_code(self, code: str, request: Any) -> None:
                data = request.payload.data
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.get_client_id(),
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.payload.scope,
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    person=dict(request.user),
                )

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.get_client_id() else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)  # a code works once

            def authenticate_user(self, authorization_code: Code) -> dict[str, Any]:
                return authorization_code.person

        return AuthorizationCodeGrant

    def _openid_extension(self) -> OpenIDCode:
        provider = self

        class ProviderOpenIDCode(OpenIDCode):
            def exists_nonce(self, nonce: str, request: Any) -> bool:
                return any(code.nonce == nonce for code in provider.codes.values())

            def resolve_client_private_key(self, client: Client) -> RSAKey:
                if FOREIGN_KEY in provider.misbehave:
                    return provider.foreign_key
                return provider.key

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": KEY_ID}

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                claims: dict[str, Any] = {"iss": provider.issuer, "aud": [CLIENT_ID]}
                if WRONG_AUDIENCE in provider.misbehave:
                    # Meant for another site, yet naming this one as the authorised party:
                    # only a check of the audience itself refuses it.
                    claims.update(aud=["another-site"], azp=CLIENT_ID)
                if EXPIRED in provider.misbehave:
                    now = int(time.time())
                    claims.update(iat=now - 2 * 3600, exp=now - 3600, auth_time=now - 2 * 3600)
                return claims

            def generate_user_info(self, user: dict[str, Any], scope: str) -> dict[str, Any]:
                return dict(user)

        return ProviderOpenIDCode(require_nonce=True)


def callback_path(location: str) -> str:
    """The app's callback address a provider's redirect names, as the test client's path."""
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"
