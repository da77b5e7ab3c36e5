"""Security headers and passwords (issue 15, 5 and 6): a strict Content-Security-Policy, no-store
on every answer the application makes (static files keep their caching), the other headers,
check --deploy clean with env.example's production settings, and passwords that refuse the
short, the numeric, the common and the ones like the user's name."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
ENV_EXAMPLE = ROOT / "docker" / "env.example"


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


def assert_secure_headers(response):
    csp = directives(response)
    assert csp["script-src"] == ["'self'"], csp
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"][0] == "'self'"
    assert csp["img-src"] == ["'self'", "data:"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_a_page_a_login_page_a_redirect_and_a_404_carry_the_headers(coordinator):
    anonymous = Client()
    assert_secure_headers(anonymous.get("/accounts/login/"))
    assert_secure_headers(anonymous.get("/sspf/dashboard/"))  # a redirect to the login
    client = Client()
    client.force_login(coordinator)
    assert_secure_headers(client.get("/sspf/dashboard/"))
    assert_secure_headers(client.get("/sspf/SSPF-1999-0001/"))  # 404


def test_a_streamed_csv_carries_no_store(users):
    client = Client()
    client.force_login(users["admin"])
    response = client.get("/log/export/")
    assert response.status_code == 200 and response.streaming
    assert_secure_headers(response)


@pytest.mark.parametrize("export", ["report.csv", "report.xlsx", "report.pdf"])
def test_the_steering_reports_files_carry_no_store(users, export):
    client = Client()
    client.force_login(users["styrgrupp"])
    response = client.get(f"/steering/{export}")
    assert response.status_code == 200
    assert_secure_headers(response)


def test_static_files_keep_their_caching():
    response = Client().get("/static/casework/session.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_admin_carries_the_policy(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 200
    assert_secure_headers(response)
    # the admin's own scripts are files; none is inline
    page = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", page)


def settings_in_subprocess(code, **env):
    environment = {**os.environ, **env}
    result = subprocess.run(  # noqa: S603  (our own interpreter, fixed code)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "project.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_the_oidc_issuers_origin_may_receive_the_login_form():
    code = "from django.conf import settings as s; print(s.CONTENT_SECURITY_POLICY)"
    result = settings_in_subprocess(
        code,
        SSPF_OIDC_ISSUER="https://login.example-kommun.se/realms/sspf",
        SSPF_OIDC_CLIENT_ID="sspf",  # single sign-on needs its client too (sspf_flow.sso)
        SSPF_OIDC_CLIENT_SECRET="not-a-real-secret",
    )
    assert result.returncode == 0, result.stderr
    assert "'form-action': [\"'self'\", 'https://login.example-kommun.se']" in result.stdout


def test_session_cookie_age_is_refused_with_the_new_name():
    result = settings_in_subprocess("", SESSION_COOKIE_AGE="3600")
    assert result.returncode != 0
    assert "SSPF_SESSION_MAX_HOURS" in result.stderr


def production_environment(tmp_path):
    """docker/env.example's values, plus what compose.yaml and the secret files add."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "SSPF_VAR_DIR": str(tmp_path / "var"),
    }
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            env[match.group(1)] = match.group(2)
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        SSPF_REQUIRE_SECRET_KEY="true",
        DATABASE_URL="postgres://sspf:not-a-password@db:5432/sspf",
        REDIS_URL="redis://redis:6379/0",
    )
    return env


def test_check_deploy_with_the_example_production_settings_warns_nothing(tmp_path):
    result = subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


# --- passwords ---------------------------------------------------------------------------------


def add_user(client, username, password, **names):
    return client.post(
        "/admin/auth/user/add/",
        {
            "username": username,
            "password1": password,
            "password2": password,
            "usable_password": "true",
            "membership-TOTAL_FORMS": "0",
            "membership-INITIAL_FORMS": "0",
            **names,
        },
    )


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("84629175", "Det här lösenordet är för kort. Det måste innehålla minst 12 tecken."),
        ("846291751234", "Detta lösenord är enbart numeriskt."),
        ("kort-ord", "Det här lösenordet är för kort. Det måste innehålla minst 12 tecken."),
        ("password1234", "Detta lösenord är alldeles för vanligt."),
        ("anja.andersson2026", "Ditt lösenord är alltför likt användarnamn."),
    ],
)
def test_the_admin_refuses_weak_passwords_in_swedish(admin_user, password, says):
    admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)

    response = add_user(
        client, "anja.andersson", password, first_name="Anja", last_name="Andersson"
    )

    assert response.status_code == 200  # the form again, with the error
    assert says in response.content.decode()
    from django.contrib.auth.models import User

    assert not User.objects.filter(username="anja.andersson").exists()


def test_a_good_password_is_accepted(admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)

    response = add_user(client, "anja.andersson", "Grön-tekanna-på-taket-7")

    assert response.status_code == 302


def test_changing_a_password_in_the_admin_is_checked_too(admin_user, coordinator):
    admin_user.is_superuser = True
    admin_user.save()
    client = Client()
    client.force_login(admin_user)

    response = client.post(
        f"/admin/auth/user/{coordinator.pk}/password/",
        {"password1": "84629175", "password2": "84629175", "usable_password": "true"},
    )

    assert response.status_code == 200
    assert "minst 12 tecken" in response.content.decode()
