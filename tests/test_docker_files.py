"""The production packaging in docker/ and docs/operations.md, checked without a Docker engine:
the entrypoint's syntax and behaviour outside a container, the compose file's shape and secrets,
and that the operator's configuration table lists exactly the variables settings.py reads."""

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
COMPOSE = ROOT / "docker" / "compose.yaml"
ENV_EXAMPLE = ROOT / "docker" / "env.example"
OPERATIONS = ROOT / "docs" / "operations.md"
SETTINGS = ROOT / "project" / "settings.py"

APP_SERVICES = ("web", "worker", "beat")
SECRET_LOOKING = re.compile(r"SECRET|PASSWORD|TOKEN|DATABASE_URL|_KEY\b")
CREDENTIALS_IN_URL = re.compile(r"\w+://[^\s/:@]+:[^\s/@]+@")
ERROR_LINE = re.compile(r"ERRORS:|\(\w+\.E\d+\)|Traceback|\w+Error\b")


def production_env(tmp_path, **overrides):
    """A production-like environment and nothing else from the caller's (no CI DATABASE_URL)."""
    venv_bin = Path(sys.executable).parent
    env = {
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "SSPF_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'sspf.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SSPF_REQUIRE_SECRET_KEY": "true",
        "ALLOWED_HOSTS": "sspf.example.invalid",
        "CSRF_TRUSTED_ORIGINS": "https://sspf.example.invalid",
        "SITE_URL": "https://sspf.example.invalid",
        "SESSION_COOKIE_SECURE": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.invalid",
        "DEFAULT_FROM_EMAIL": "sspf@example.invalid",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def run_entrypoint(env, *args):
    # From elsewhere on purpose: the script must find the project root by itself.
    return subprocess.run(  # noqa: S603  (our own script, fixed arguments)
        [str(ENTRYPOINT), *args],
        cwd=env["HOME"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def section(markdown, heading):
    """The text under a `## heading` up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"docs/operations.md has no '## {heading}' section"
    return match.group(1)


def environment_of(service):
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return environment


# --- entrypoint ---------------------------------------------------------------------------------


def test_entrypoint_is_executable_posix_sh():
    assert os.access(ENTRYPOINT, os.X_OK)
    text = ENTRYPOINT.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert "\nset -eu\n" in text
    syntax = subprocess.run(  # noqa: S603  (fixed arguments)
        ["/bin/sh", "-n", str(ENTRYPOINT)], capture_output=True, text=True
    )
    assert syntax.returncode == 0, syntax.stderr


def test_check_deploy_through_the_entrypoint_passes(tmp_path):
    result = run_entrypoint(production_env(tmp_path), "manage", "check", "--deploy")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified" in output
    assert [line for line in output.splitlines() if ERROR_LINE.search(line)] == []


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50) + "\n")
    env = production_env(tmp_path, SECRET_KEY=None, SECRET_KEY_FILE=str(key_file))

    result = run_entrypoint(env, "manage", "check", "--deploy")

    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_a_container_without_a_secret_key_refuses_to_start(tmp_path):
    result = run_entrypoint(production_env(tmp_path, SECRET_KEY=None), "manage", "check")

    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()


def test_waiting_for_the_database_gives_up_after_the_set_tries(tmp_path):
    env = production_env(
        tmp_path,
        DATABASE_URL="postgres://sspf:not-a-secret@127.0.0.1:1/sspf",
        SSPF_DB_WAIT_TRIES="2",
        SSPF_DB_WAIT_SECONDS="0",
    )

    result = run_entrypoint(env, "migrate")

    assert result.returncode == 1
    assert result.stderr.count("database not reachable yet") == 2
    assert "the database did not answer after 2 attempts" in result.stderr


def test_a_configuration_error_is_not_retried(tmp_path):
    env = production_env(tmp_path, DEBUG="maybe", SSPF_DB_WAIT_TRIES="5", SSPF_DB_WAIT_SECONDS="0")

    result = run_entrypoint(env, "migrate")

    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr
    assert "waiting for the database" not in result.stderr


def test_an_unknown_command_prints_the_usage(tmp_path):
    result = run_entrypoint(production_env(tmp_path), "serve")

    assert result.returncode == 64
    assert "usage: entrypoint.sh web|worker|beat|migrate" in result.stderr


# --- compose ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    import yaml  # PyYAML, a test dependency; imported here so the other tests run without it

    return yaml.safe_load(COMPOSE.read_text())


def test_compose_runs_the_five_services(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "db", "redis"}
    assert compose["services"]["db"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")
    for name in ("db", "redis"):
        assert compose["services"][name]["healthcheck"]["test"]
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert "pgdata" in compose["volumes"]


@pytest.mark.parametrize("name", ["web", "worker"])
def test_the_app_waits_for_a_healthy_database_and_redis(compose, name):
    depends_on = compose["services"][name]["depends_on"]
    assert depends_on["db"] == {"condition": "service_healthy"}
    assert depends_on["redis"] == {"condition": "service_healthy"}


def test_web_worker_and_beat_are_one_image_in_three_roles(compose):
    services = compose["services"]
    assert len({services[name]["image"] for name in APP_SERVICES}) == 1
    assert all(services[name]["build"] == services["web"]["build"] for name in APP_SERVICES)
    assert services["web"]["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}
    assert [services[name]["command"] for name in APP_SERVICES] == [["web"], ["worker"], ["beat"]]


def test_compose_holds_no_secret_values(compose):
    for name, service in compose["services"].items():
        mounted = {s if isinstance(s, str) else s["source"] for s in service.get("secrets", [])}
        for variable, value in environment_of(service).items():
            assert not CREDENTIALS_IN_URL.search(str(value)), f"{name}: {variable}"
            if variable.endswith("_FILE"):
                secret = str(value).removeprefix("/run/secrets/")
                assert str(value) == f"/run/secrets/{secret}", f"{name}: {variable}"
                assert secret in mounted, f"{name}: {variable} points at an unmounted secret"
            else:
                assert not SECRET_LOOKING.search(variable), f"{name}: {variable} set literally"
    for secret in compose["secrets"].values():
        assert set(secret) == {"file"}
    assert not CREDENTIALS_IN_URL.search(COMPOSE.read_text())


def test_the_example_env_file_holds_no_secret_values():
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        variable, value = line.split("=", 1)
        assert not CREDENTIALS_IN_URL.search(value), line
        assert not (SECRET_LOOKING.search(variable) and value), line


# --- docs against settings ----------------------------------------------------------------------


def settings_variables():
    """Every variable name settings.py reads: env("NAME"…), env_bool/env_int/env_list, and any
    literal os.environ/os.getenv lookup."""
    readers = {"env", "env_bool", "env_int", "env_list", "getenv", "get"}
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name == "get" and not (
            isinstance(func.value, ast.Attribute) and func.value.attr == "environ"
        ):
            continue
        first = node.args[0]
        if name in readers and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def documented_variables():
    rows = re.findall(
        r"^\| `([A-Z][A-Z0-9_]*)` \|", section(OPERATIONS.read_text(), "Configuration"), re.M
    )
    assert len(rows) == len(set(rows)), "a variable is documented twice"
    return set(rows)


def test_settings_parser_finds_what_settings_read():
    assert {"SECRET_KEY", "DATABASE_URL", "SESSION_COOKIE_SECURE", "ALLOWED_HOSTS"} <= (
        settings_variables()
    )


def test_operations_doc_lists_exactly_the_variables_settings_read():
    in_settings, in_docs = settings_variables(), documented_variables()

    assert in_settings - in_docs == set(), "read by settings.py but not in docs/operations.md"
    assert in_docs - in_settings == set(), "in docs/operations.md but not read by settings.py"


def test_the_example_env_file_names_every_setting():
    text = ENV_EXAMPLE.read_text()
    missing = {name for name in settings_variables() if not re.search(rf"\b{name}(_FILE)?\b", text)}
    assert missing == set()


def test_the_image_gets_every_package_the_project_installs():
    """The build context is an allow-list: an app missing from it would be missing from the
    image (and compiled ahead of time with the others)."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {
        name.rstrip("*") for name in project["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    allowed = {
        line[1:].strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.startswith("!")
    }
    assert packages <= allowed
    compiled = next(
        line
        for line in (ROOT / "docker" / "Dockerfile").read_text().splitlines()
        if "compileall" in line
    )
    assert all(package in compiled.split() for package in packages)
