"""Single sign-on settings that need no app: the issuer's address and the account map.

``OIDC_ACCOUNT_MAP`` says who gets an account at their first sign-in by their
organisation's identity provider. It is a JSON object; each key is an e-mail domain
(``example.com``, the part after the ``@``, matched exactly: subdomains are keys of their
own) or a group the provider names in its groups claim (``group:acme-consultants``); each
value names a firm (its name, or its id as a number) and a role::

    {"example.com": {"firm": "Acme Advisory", "role": "consultant"},
     "group:acme-consultants": {"firm": 3, "role": "consultant"}}

Only ``consultant`` may be given: an administrator is made in the app by another
administrator, never by a claim of a provider; a member belongs to organisations, which
invitations give. Groups are read before the domain; when a person's groups name
different firms or roles, no account is made.

Messages are translated by the ``_`` the caller passes: the operator's language at start.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

GROUP_PREFIX = "group:"
MAPPABLE_ROLES = ("consultant",)
RULE_KEYS = frozenset({"firm", "role"})
DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
NAME_MAX_LENGTH = 200
LARGEST_FIRM_ID = 2**31 - 1  # the largest id a database's integer column holds

Translate = Callable[[str], str]


@dataclass(frozen=True)
class AccountRule:
    """What an account made at first sign-in gets: a firm (by name or id) and a role."""

    key: str  # the map's key that matched: a domain or "group:NAME"
    firm: str | int
    role: str

    @property
    def grant(self) -> tuple[str | int, str]:
        return (self.firm.lower() if isinstance(self.firm, str) else self.firm, self.role)


@dataclass(frozen=True)
class AccountMap:
    domains: Mapping[str, AccountRule] = field(default_factory=dict)
    groups: Mapping[str, AccountRule] = field(default_factory=dict)

    @property
    def uses_groups(self) -> bool:
        return bool(self.groups)

    def rules_for(self, email: str, groups: Iterable[str] = ()) -> list[AccountRule]:
        """The rules that match: those of the person's groups if any match (one per
        distinct grant), else the one of the address's domain, else none."""
        matched: dict[tuple[str | int, str], AccountRule] = {}
        for group in groups:
            rule = self.groups.get(group)
            if rule is not None:
                matched.setdefault(rule.grant, rule)
        if matched:
            return list(matched.values())
        domain = email.rpartition("@")[2].lower()
        rule = self.domains.get(domain)
        return [rule] if rule is not None else []


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def issuer_problems(issuer: str, _: Translate) -> list[str]:
    """Whether ``issuer`` can be the provider's address: https, or http on loopback only
    (a provider on the same machine, for trying it out and for tests)."""
    try:
        parts = urlsplit(issuer)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or not host or parts.query or parts.fragment or parts.username:
        return [
            _(
                "Configuration error: OIDC_ISSUER is '%(value)s'; it must be the provider's "
                "address, for example https://login.example.com/realms/acme."
            )
            % {"value": issuer[:200]}
        ]
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host)):
        return []
    return [
        _(
            "Configuration error: OIDC_ISSUER is '%(value)s'; it must start with https:// "
            "(http:// only on this machine: 127.0.0.1, ::1 or localhost)."
        )
        % {"value": issuer[:200]}
    ]


def read_account_map(text: str | None, _: Translate = str) -> tuple[AccountMap, list[str]]:
    """The map ``text`` holds, and what is wrong with it, one line per problem (rules with
    a problem are left out of the map)."""
    if not text or not text.strip():
        return AccountMap(), []
    try:
        document = json.loads(text)
    except ValueError as error:
        return AccountMap(), [
            _(
                "Configuration error: OIDC_ACCOUNT_MAP is not valid JSON (%(error)s); it must "
                'be an object such as {"example.com": {"firm": "Acme Advisory", '
                '"role": "consultant"}}.'
            )
            % {"error": str(error)[:120]}
        ]
    if not isinstance(document, dict):
        return AccountMap(), [
            _(
                "Configuration error: OIDC_ACCOUNT_MAP must be a JSON object whose keys are "
                "e-mail domains or group:NAME."
            )
        ]
    domains: dict[str, AccountRule] = {}
    groups: dict[str, AccountRule] = {}
    problems: list[str] = []
    for key, value in document.items():
        rule_problems = _rule_problems(key, value, _)
        if rule_problems:
            problems += rule_problems
            continue
        rule = AccountRule(key=key, firm=value["firm"], role=value["role"])
        if key.startswith(GROUP_PREFIX):
            groups[key.removeprefix(GROUP_PREFIX)] = rule
        else:
            domains[key] = rule
    return AccountMap(domains=domains, groups=groups), problems


def _rule_problems(key: str, value: object, _: Translate) -> list[str]:
    entry = {"key": key[:80]}
    problems = []
    if key.startswith(GROUP_PREFIX):
        name = key.removeprefix(GROUP_PREFIX)
        if not name.strip() or len(name) > NAME_MAX_LENGTH:
            problems.append(
                _("Configuration error: OIDC_ACCOUNT_MAP has '%(key)s', a group without a name.")
                % entry
            )
    elif not DOMAIN_PATTERN.match(key):
        problems.append(
            _(
                "Configuration error: OIDC_ACCOUNT_MAP has '%(key)s'; each key must be an "
                "e-mail domain in lower case (example.com) or group:NAME."
            )
            % entry
        )
    if not isinstance(value, dict):
        problems.append(
            _(
                "Configuration error: OIDC_ACCOUNT_MAP's '%(key)s' must be an object with "
                'a firm and a role, such as {"firm": "Acme Advisory", "role": "consultant"}.'
            )
            % entry
        )
        return problems
    unknown = sorted(set(value) - RULE_KEYS)
    if unknown:
        problems.append(
            _(
                "Configuration error: OIDC_ACCOUNT_MAP's '%(key)s' has %(names)s; only "
                "'firm' and 'role' may be given."
            )
            % {**entry, "names": ", ".join(f"'{name[:40]}'" for name in unknown)}
        )
    firm = value.get("firm")
    firm_is_id = (
        isinstance(firm, int) and not isinstance(firm, bool) and 0 < firm <= LARGEST_FIRM_ID
    )
    if not (firm_is_id or (isinstance(firm, str) and firm.strip())):
        problems.append(
            _(
                "Configuration error: OIDC_ACCOUNT_MAP's '%(key)s' names no firm; give the "
                "firm's name, or its id as a number."
            )
            % entry
        )
    role = value.get("role")
    if role not in MAPPABLE_ROLES:
        problems.append(
            _(
                "Configuration error: OIDC_ACCOUNT_MAP's '%(key)s' has the role '%(role)s'; "
                "accounts made at sign-in can only be 'consultant' (administrators are made "
                "in the app)."
            )
            % {**entry, "role": str(role)[:40]}
        )
    return problems
