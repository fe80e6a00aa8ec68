"""The people pages' tests use the accounts tests' organisation and its owner."""

from tests.accounts.conftest import organisation, owner

__all__ = ["organisation", "owner"]
