"""The layers of docs/architecture.md, checked on every module's imports.

Each rule names what a layer may not import; a module that breaks one is listed with the
import that does. Imports inside functions count as much as those at the top.
"""

import ast
import sys
from pathlib import Path

import pytest

from assessment.config import ROOT

PACKAGE = ROOT / "assessment"
FEATURES = frozenset(
    {
        "accounts",
        "admin",
        "api",
        "audit",
        "batches",
        "demo",
        "evidence",
        "exports",
        "health",
        "history",
        "home",
        "people",
        "plans",
        "portfolio",
        "questionnaire",
        "reports",
        "respondents",
        "webhooks",
    }
)
DATA = frozenset({"assessment.extensions", "assessment.models", "assessment.policy"})
# What the pure core may import besides the standard library and itself.
CORE_THIRD_PARTY = frozenset({"babel", "pydantic", "pydantic_core", "yaml"})


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module that ``path`` imports, by its dotted name (``from a import b`` gives
    ``a.b`` when ``b`` is a module, else ``a``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if is_module(candidate) else node.module)
    return found


def is_module(dotted: str) -> bool:
    if not dotted.startswith("assessment."):
        return False
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


MODULES = {
    module_name(path): imports_of(path)
    for path in sorted(PACKAGE.rglob("*.py"))
    if "migrations" not in path.relative_to(PACKAGE).parts
}


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else None


def layer_of(module: str) -> str:
    if module == "assessment.core" or module.startswith("assessment.core."):
        return "core"
    if module in DATA:
        return "data"
    if module == "assessment.web" or module.startswith("assessment.web."):  # not webhooks
        return "web"
    if module == "assessment.cli" or module.startswith("assessment.cli."):
        return "cli"
    if feature_of(module):
        return "feature"
    return "app"


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def breaches(rule) -> list[str]:
    return sorted(
        f"{module} imports {imported}"
        for module, imported_modules in MODULES.items()
        for imported in imported_modules
        if rule(module, imported)
    )


def test_the_rules_see_every_layer():
    """A guard on the guard: the rules below read real modules of every layer."""
    layers = {layer_of(module) for module in MODULES}
    assert layers == {"core", "data", "web", "cli", "feature", "app"}
    assert any("assessment.core.scoring" in imported for imported in MODULES.values())


def core_may_not_import(module: str, imported: str) -> bool:
    if layer_of(module) != "core":
        return False
    top = imported.split(".")[0]
    if top == "assessment":
        return not within(imported, "assessment.core")
    return top not in sys.stdlib_module_names and top not in CORE_THIRD_PARTY


def test_the_core_imports_neither_flask_nor_sqlalchemy_nor_the_rest_of_the_app():
    assert breaches(core_may_not_import) == []


def test_the_core_rule_catches_a_core_module_that_imports_flask():
    assert core_may_not_import("assessment.core.scoring", "flask")
    assert core_may_not_import("assessment.core.scoring", "sqlalchemy.orm")
    assert core_may_not_import("assessment.core.scoring", "assessment.models")
    assert not core_may_not_import("assessment.core.scoring", "fractions")


def data_may_not_import(module: str, imported: str) -> bool:
    return (
        layer_of(module) == "data"
        and imported.startswith("assessment")
        and layer_of(imported) not in {"core", "data"}
    )


def test_models_and_policy_import_only_the_core_and_each_other():
    assert breaches(data_may_not_import) == []


def test_settings_mail_and_content_import_no_feature_web_or_command():
    assert (
        breaches(
            lambda module, imported: (
                layer_of(module) == "app"
                and module != "assessment"
                and imported.startswith("assessment")
                and layer_of(imported) in {"feature", "web", "cli"}
            )
        )
        == []
    )


def test_only_the_app_factory_imports_the_commands():
    assert (
        breaches(
            lambda module, imported: (
                layer_of(imported) == "cli" and layer_of(module) != "cli" and module != "assessment"
            )
        )
        == []
    )


def test_web_plumbing_imports_no_feature():
    assert (
        breaches(
            lambda module, imported: layer_of(module) == "web" and layer_of(imported) == "feature"
        )
        == []
    )


def is_views(module: str) -> bool:
    return module.rsplit(".", 1)[-1] == "views"


def test_no_module_imports_another_features_views():
    """Views are the top of a feature: only the app factory registers them."""
    assert (
        breaches(
            lambda module, imported: (
                is_views(imported)
                and module != "assessment"
                and feature_of(module) != feature_of(imported)
            )
        )
        == []
    )


def test_only_views_use_the_web_plumbing():
    """A feature's services, forms and view models never import ``assessment.web``: its
    views do (``views``, or ``<part>_views`` in a feature with several blueprints, and the
    API's blueprint, which is the API's view plumbing)."""

    def is_view(module: str) -> bool:
        name = module.rsplit(".", 1)[-1]
        return name in {"views", "blueprint"} or name.endswith("_views")

    assert (
        breaches(
            lambda module, imported: (
                layer_of(module) == "feature"
                and not is_view(module)
                and layer_of(imported) == "web"
            )
        )
        == []
    )


@pytest.mark.parametrize("layer", ["core", "data"])
def test_lower_layers_never_import_a_feature(layer):
    assert (
        breaches(
            lambda module, imported: layer_of(module) == layer and layer_of(imported) == "feature"
        )
        == []
    )
