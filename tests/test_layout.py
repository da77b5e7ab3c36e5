"""The house's floors hold: import-linter's contracts pass and fail an upward import, modules stay
small, guards compare with the models' choices, and the tests share builders, not each other."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from sspf_flow import access, requestcache
from sspf_flow.models import Role

ROOT = Path(__file__).resolve().parent.parent
APPS = ["project", "reporting", "casework", "operative", "forms", "notifications", "sspf_flow"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
LONGEST = 400  # lines; a longer module is a sign to split it
DATA = {Path("casework/management/commands/load_demo.py")}  # the demo's data may be data


def lint_imports(where):
    return subprocess.run(  # noqa: S603  (the project's own linter on a copy of its code)
        [str(LINT_IMPORTS), "--no-cache"], cwd=where, capture_output=True, text=True
    )


def copy_of_the_code(tmp_path):
    for name in [*APPS, "pyproject.toml"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


@pytest.fixture(scope="module")
def code_copy(tmp_path_factory):
    return copy_of_the_code(tmp_path_factory.mktemp("code"))


def test_the_floors_and_the_acyclic_apps_are_kept(code_copy):
    run = lint_imports(code_copy)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 kept, 0 broken" in run.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("sspf_flow/guards.py", "import casework.urls", "Floors"),
        ("casework/pages/home.py", "import reporting.views", "Floors"),
        ("notifications/mail.py", "import forms.render", "independent"),
        ("sspf_flow/models/case.py", "import sspf_flow.services", "No import cycle"),
    ],
)
def test_an_upward_import_or_a_cycle_fails_the_test_command(tmp_path, module, line, broken):
    copy = copy_of_the_code(tmp_path)
    with (copy / module).open("a", encoding="utf-8") as source:
        source.write(f"\n{line}  # noqa\n")

    run = lint_imports(copy)

    assert run.returncode != 0
    assert f"{broken}" in run.stdout and "BROKEN" in run.stdout


def python_files(*roots):
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_module_of_the_apps_is_over_400_lines():
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in python_files(*APPS)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
        and path.relative_to(ROOT) not in DATA
    ]
    assert not long


@pytest.mark.parametrize(
    "module", ["guards.py", "consent_guards.py", "plan_guards.py", "record_guards.py"]
)
def test_guards_compare_with_the_models_choices_not_bare_strings(module):
    tree = ast.parse((ROOT / "sspf_flow" / module).read_text(encoding="utf-8"))
    bare = [
        f"{module}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and any(
            isinstance(side, ast.Constant) and isinstance(side.value, str)
            for side in [node.left, *node.comparators]
        )
    ]
    assert not bare


def test_no_test_module_imports_another_and_conftest_holds_only_fixtures():
    imported = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("tests.test_", "tests.conftest")
            ):
                imported.append(f"{path.name}:{node.lineno} imports {node.module}")
    assert not imported
    conftest = ast.parse((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    public = [
        node.name
        for node in conftest.body
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith(("_", "pytest_"))
        and not any("fixture" in ast.unparse(d) for d in node.decorator_list)
    ]
    assert not public, f"builders belong in tests/builders.py: {public}"


def test_a_role_given_outside_a_request_is_seen_at_once(users):
    """Answers are cached per request, not on the user object: a role given by the
    administrator counts at the next question."""
    clerk = users["styrgrupp"]
    assert not access.works_with_cases(clerk)
    clerk.groups.add(Group.objects.get(name=Role.SCHOOL))
    assert access.works_with_cases(clerk)


def test_within_a_request_the_roles_are_read_once(users, django_assert_num_queries):
    school = users["skola"]
    with requestcache.scope():
        with django_assert_num_queries(2):  # the roles and the agency
            assert access.works_with_cases(school)
        with django_assert_num_queries(0):
            assert access.can_refer(school) and access.is_coordinator(school) is False
