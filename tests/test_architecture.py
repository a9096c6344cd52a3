"""Imports point one way: outbox ← curriculum ← search ← courses ← learners ← opportunities.

Every module of the apps (migrations, templatetags and commands included) is parsed, and
every import in it, at any depth, is checked: an app may import itself and the apps before
it, never a later app nor the shell proper (``config``, ``home``), which reads from all.
Where an earlier app's page must show something of a later one, the later app provides a
template tag or a hook (see README, "The tree").
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# outbox (mail) sits below every app: it stores and delivers whatever Django's mail API is
# given, and knows nothing of the domain.
ORDER = ("outbox", "curriculum", "search", "courses", "learners", "opportunities")
FOLDERS = {
    "outbox": ROOT / "site" / "outbox",
    "curriculum": ROOT / "curriculum",
    "search": ROOT / "site" / "search",
    "courses": ROOT / "courses",
    "learners": ROOT / "learners",
    "opportunities": ROOT / "opportunities",
}
SHELL = ("config", "home")
# Calls that import a module named by a string: a dependency as real as an import statement.
IMPORTING_CALLS = ("import_module", "import_string", "__import__")


def imported_modules(source):
    """(line, dotted name) of every absolute import in ``source``, however deeply nested."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else None
            name = function.id if isinstance(function, ast.Name) else name
            first = node.args[0]
            if (
                name in IMPORTING_CALLS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield node.lineno, first.value


def forbidden_imports(app, source):
    """The imports in ``source`` that ``app`` may not make, as ``(line, module)``."""
    allowed_later = ORDER.index(app)
    found = []
    for line, module in imported_modules(source):
        top = module.split(".")[0]
        if top in SHELL or (top in ORDER and ORDER.index(top) > allowed_later):
            found.append((line, module))
    return found


def modules_of(app):
    return sorted(FOLDERS[app].rglob("*.py"))


@pytest.mark.parametrize("app", ORDER)
def test_an_app_imports_only_earlier_apps(app):
    modules = modules_of(app)
    assert modules or app == "opportunities", f"no modules found for {app}"
    violations = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in modules
        for line, module in forbidden_imports(app, path.read_text("utf-8"))
    ]
    assert not violations, (
        f"{app} may import only {', '.join(ORDER[: ORDER.index(app)]) or 'no app'} "
        "(and itself):\n" + "\n".join(violations)
    )


def test_every_app_folder_is_checked():
    for app, folder in FOLDERS.items():
        assert (folder / "apps.py").is_file(), f"{app}: {folder} is not the app's folder"


@pytest.mark.parametrize(
    ("app", "source", "expected"),
    [
        ("courses", "from learners.models import LessonProgress", ["learners.models"]),
        ("courses", "def f():\n    import opportunities.services", ["opportunities.services"]),
        ("search", "from courses.models import LessonPage", ["courses.models"]),
        ("curriculum", "import search.tokens", ["search.tokens"]),
        ("learners", "from home.models import HomePage", ["home.models"]),
        ("opportunities", "from config.settings import base", ["config.settings"]),
        ("courses", "import_module('learners.selectors')", ["learners.selectors"]),
        ("courses", "from search.services import search_pages", []),
        ("search", "from curriculum.ruby import strip_ruby", []),
        ("learners", "from courses.activity_ids import parse_activity_iri", []),
        ("courses", "from wagtail.search import index\nfrom . import blocks", []),
    ],
)
def test_the_rule_catches_what_it_should(app, source, expected):
    assert [module for _line, module in forbidden_imports(app, source)] == expected
