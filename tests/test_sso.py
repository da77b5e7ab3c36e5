"""Single sign-on through the municipality's OpenID Connect provider (issue 15): the mapping of
the provider's groups to roles and agency (without a provider), the login page with and
without passwords, and the code flow with PKCE end to end in Chromium against a real provider
(django-oauth-toolkit, ``tests/idp``) running as its own process."""

import copy
import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from playwright.sync_api import expect

from project import sso as project_sso
from sspf_flow import sso
from sspf_flow.models import ExternalIdentity, Membership, Role
from sspf_flow.models.rolechange import RoleChange
from tests.axe import AXE_JS, SERIOUS, WCAG_AA
from tests.browser import CHROMIUM, require
from tests.idp.process import running
from tests.swedish import english_in

IDP_PASSWORD = "idp-pw-for-tests"
ISSUER = "https://login.exempelkommun.invalid/realms/sspf"
# Groups of the provider → SSPF (the conftest's municipality has code 9999).
MAPPING = {
    "sspf-samordnare": {"role": "samordnare", "municipality": "9999", "agency": "Socialtjänsten"},
    "sspf-skola": {"role": "skola", "municipality": "Exempelkommun", "agency": "Centralskolan"},
    "sspf-styrgrupp": {"role": "styrgrupp"},
    "sspf-admin": {"role": "admin"},
    "sspf-polisen": {"municipality": "9999", "agency": "Polisen lokalpolisområde"},
}


def sso_on(settings, issuer=ISSUER, local=True, client_id="sspf", client_secret="secret"):  # noqa: S107
    settings.SSPF_OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = client_id
    settings.OIDC_RP_CLIENT_SECRET = client_secret
    settings.SSPF_OIDC_GROUPS = MAPPING
    settings.SSPF_LOCAL_LOGIN = local
    settings.AUTHENTICATION_BACKENDS = [
        "sspf_flow.identity.Backend",
        "sspf_flow.sso.OIDCBackend",
    ]
    # as project/settings.py does from SSPF_OIDC_ISSUER: a form (sign-out) may lead there
    origin = "/".join(issuer.split("/")[:3])
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", origin]
    settings.CONTENT_SECURITY_POLICY = policy


def shot(page, name):
    """A screenshot to look at, when SSPF_SSO_SHOTS names a directory."""
    if os.environ.get("SSPF_SSO_SHOTS"):
        page.screenshot(path=f"{os.environ['SSPF_SSO_SHOTS']}/sso-{name}.png")


def claims(sub, *groups, **more):
    return {"sub": sub, "groups": list(groups), **more}


def roles_of(user):
    return set(user.groups.values_list("name", flat=True))


# --- the mapping ------------------------------------------------------------------------------


def test_the_mapping_reads_roles_and_agencies():
    grants = sso.parse_grants(MAPPING)

    assert grants["sspf-samordnare"] == sso.Grant(Role.COORDINATOR, "9999", "Socialtjänsten")
    assert grants["sspf-styrgrupp"] == sso.Grant(Role.STEERING_GROUP, None, None)
    assert grants["sspf-polisen"].role is None


@pytest.mark.parametrize(
    ("raw", "complaint"),
    [
        ([], "JSON object"),
        ({"g": {"role": "chef"}}, "role is 'chef'"),
        ({"g": {"role": "skola", "agency": "Centralskolan"}}, "both municipality and agency"),
        ({"g": {}}, "role and/or agency"),
        ({"g": {"role": "skola", "title": "x"}}, "unknown keys: title"),
        ({"g": {"role": 3}}, "non-empty string"),
    ],
)
def test_a_mistake_in_the_mapping_is_named(raw, complaint):
    with pytest.raises(ImproperlyConfigured, match=complaint):
        sso.parse_grants(raw)


def test_groups_that_map_to_nothing_count_for_nothing(settings):
    sso_on(settings)

    given = sso.access_from(claims("s", "sspf-skola", "sspf-styrgrupp", "alla-anställda"))
    assert given.roles == {Role.SCHOOL, Role.STEERING_GROUP}
    assert given.agencies == {("Exempelkommun", "Centralskolan")}
    assert sso.access_from(claims("s", "alla-anställda")).nothing
    assert sso.access_from({"sub": "s", "groups": "sspf-admin"}).roles == {Role.ADMIN}
    assert sso.access_from({"sub": "s"}).nothing


def test_the_first_sign_in_makes_the_user_with_role_and_agency(settings, agencies):
    sso_on(settings)

    user = sso.apply_claims(
        claims(
            "a1b2",
            "sspf-samordnare",
            preferred_username="anna.s",
            given_name="Anna",
            family_name="Samordnare",
            email="anna@exempelkommun.invalid",
        )
    )

    assert (user.username, user.first_name, user.last_name) == ("anna.s", "Anna", "Samordnare")
    assert roles_of(user) == {"samordnare"}
    assert user.membership.agency == agencies["socialtjanst"]
    assert not user.has_usable_password()
    assert not user.is_staff
    assert ExternalIdentity.objects.get(user=user).subject == "a1b2"
    assert RoleChange.objects.filter(user=user, role="samordnare", granted=True).count() == 1


def test_two_groups_make_two_users_with_their_own_roles(settings, agencies):
    sso_on(settings)

    school = sso.apply_claims(claims("s-1", "sspf-skola", preferred_username="sara"))
    admin = sso.apply_claims(claims("s-2", "sspf-admin", preferred_username="adam"))

    assert roles_of(school) == {"skola"} and school.membership.agency == agencies["skola"]
    assert roles_of(admin) == {"admin"} and admin.is_staff
    assert not Membership.objects.filter(user=admin).exists()


def test_users_are_matched_by_subject_not_by_e_mail(settings, users):
    sso_on(settings)
    local = users["skola"]
    local.email = "sara@exempelkommun.invalid"
    local.save()

    first = sso.apply_claims(
        claims("s-1", "sspf-skola", email=local.email, preferred_username="sara")
    )
    second = sso.apply_claims(claims("s-2", "sspf-skola", email=local.email))
    again = sso.apply_claims(claims("s-1", "sspf-skola", email="new@exempelkommun.invalid"))

    assert len({local.pk, first.pk, second.pk}) == 3
    assert first.username == "sara-2"  # "sara" is the local account's
    assert again.pk == first.pk and again.email == "new@exempelkommun.invalid"


def test_a_removed_group_takes_the_role_away_at_the_next_sign_in(settings, agencies):
    sso_on(settings)
    user = sso.apply_claims(claims("s-1", "sspf-samordnare", "sspf-styrgrupp"))

    sso.apply_claims(claims("s-1", "sspf-styrgrupp", "sspf-polisen"))

    user.refresh_from_db()
    assert roles_of(user) == {"styrgrupp"}
    assert user.membership.agency == agencies["polis"]
    assert RoleChange.objects.filter(user=user, role="samordnare", granted=False).count() == 1


def test_no_group_left_refuses_and_takes_everything_away(settings, agencies):
    sso_on(settings)
    user = sso.apply_claims(claims("s-1", "sspf-samordnare"))

    with pytest.raises(sso.Refused) as refused:
        sso.apply_claims(claims("s-1", "alla-anställda"))

    assert refused.value.reason == sso.Refused.NO_ACCESS
    assert roles_of(user) == set()
    assert not Membership.objects.filter(user=user).exists()
    assert RoleChange.objects.filter(user=user, granted=False).count() == 1


def test_a_stranger_with_no_mapped_group_gets_no_account(settings, agencies):
    sso_on(settings)

    with pytest.raises(sso.Refused):
        sso.apply_claims(claims("s-9", "alla-anställda", preferred_username="okand"))

    assert not User.objects.filter(username="okand").exists()
    assert not ExternalIdentity.objects.exists()


@pytest.mark.parametrize(
    ("groups", "reason"),
    [
        (["sspf-samordnare", "sspf-skola"], sso.Refused.SEVERAL_AGENCIES),
        (["sspf-okand-enhet"], sso.Refused.UNKNOWN_AGENCY),
        (["sspf-admin", "sspf-samordnare"], sso.Refused.ADMIN_AND_CASE_ROLE),
        (["sspf-styrgrupp"], sso.Refused.NO_AGENCY),
    ],
)
def test_groups_that_point_nowhere_clear_are_refused(settings, agencies, groups, reason):
    sso_on(settings)
    settings.SSPF_OIDC_GROUPS = {
        **MAPPING,
        "sspf-okand-enhet": {"role": "skola", "municipality": "9999", "agency": "Finns inte"},
    }

    with pytest.raises(sso.Refused) as refused:
        sso.apply_claims(claims("s-1", *groups))

    assert refused.value.reason == reason


def test_an_account_switched_off_in_sspf_is_refused(settings, agencies):
    sso_on(settings)
    user = sso.apply_claims(claims("s-1", "sspf-skola"))
    User.objects.filter(pk=user.pk).update(is_active=False)

    with pytest.raises(sso.Refused) as refused:
        sso.apply_claims(claims("s-1", "sspf-skola"))

    assert refused.value.reason == sso.Refused.INACTIVE


def test_a_bad_mapping_stops_start_up():
    env = {
        **os.environ,
        "SSPF_OIDC_ISSUER": ISSUER,
        "SSPF_OIDC_CLIENT_ID": "sspf",
        "SSPF_OIDC_CLIENT_SECRET": "x",
        "SSPF_OIDC_GROUPS": json.dumps({"g": {"role": "chef"}}),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SSPF_OIDC_GROUPS['g'].role is 'chef'" in result.stderr


# --- the login page ---------------------------------------------------------------------------


def test_without_sso_the_login_page_has_no_button_and_its_urls_are_not_found(client, db):
    page = client.get("/accounts/login/").content.decode()

    assert 'name="password"' in page
    assert "Logga in med kommunens konto" not in page
    assert client.get("/accounts/oidc/login/").status_code == 404
    assert client.get("/accounts/oidc/callback/").status_code == 404


def test_with_sso_and_passwords_the_login_page_offers_both(settings, client, db):
    sso_on(settings)

    page = client.get("/accounts/login/?next=/sspf/list/").content.decode()

    assert 'name="password"' in page
    assert 'href="/accounts/oidc/login/?next=/sspf/list/"' in page
    assert "Logga in med kommunens konto" in page


def test_passwords_switched_off_leave_only_the_municipality_account(settings, client, users):
    sso_on(settings, local=False)

    page = client.get("/accounts/login/").content.decode()
    assert 'name="password"' not in page
    assert "Logga in med kommunens konto" in page

    response = client.post(
        "/accounts/login/", {"username": "anja", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 200
    assert "Inloggning med användarnamn och lösenord är avstängd" in response.content.decode()
    assert "_auth_user_id" not in client.session

    admin = client.post("/admin/login/", {"username": "adam", "password": "pw-for-tests-only"})
    assert admin.status_code == 302 and admin.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_signing_out_after_a_password_login_is_as_before(settings, client, users):
    sso_on(settings)
    settings.SSPF_OIDC_LOGOUT_AT_PROVIDER = True  # only for sessions from the provider
    client.force_login(users["skola"])

    response = client.post("/accounts/logout/")

    assert (response.status_code, response.url) == (302, "/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_with_passwords_on_the_admin_login_is_the_admin_form(client, db):
    assert b'name="password"' in client.get("/admin/login/").content


def test_the_provider_down_gives_a_swedish_page_not_an_error(settings, client, db):
    sso_on(settings, issuer="http://127.0.0.1:9/o")  # nothing listens on port 9

    response = client.get("/accounts/oidc/login/")

    assert response.status_code == 503
    assert "Kommunens inloggningstjänst går inte att nå just nu" in response.content.decode()


def test_a_callback_without_a_sign_in_under_way_is_a_failure_page(settings, client, db):
    sso_on(settings)

    response = client.get("/accounts/oidc/callback/?code=x&state=y")

    assert response.status_code == 400
    assert "Inloggningen lyckades inte" in response.content.decode()


@pytest.mark.parametrize("local", [True, False])
def test_the_login_page_with_sso_is_swedish(settings, client, db, local):
    sso_on(settings, local=local)

    assert english_in(client.get("/accounts/login/").content.decode()) == []
    posted = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert english_in(posted.content.decode()) == []


@pytest.mark.parametrize("reason", list(project_sso.MESSAGES))
def test_every_sso_message_page_is_swedish(rf, db, reason):
    request = rf.get("/accounts/oidc/callback/")
    request.user = AnonymousUser()

    html = project_sso.message_page(request, reason).render().content.decode()

    assert english_in(html) == []
    assert f'data-reason="{reason}"' in html


def test_the_session_user_is_read_as_the_password_backend_reads_it(settings, client, users):
    """Every page's query count stays the same for a user signed in through the provider."""
    sso_on(settings)

    def queries(backend):
        client.force_login(users["samordnare"], backend=backend)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/sspf/dashboard/").status_code == 200
        client.logout()
        return [query["sql"] for query in captured.captured_queries]

    queries("sspf_flow.identity.Backend")  # caches filled (content types)
    through_sso, with_password = (
        queries("sspf_flow.sso.OIDCBackend"),
        queries("sspf_flow.identity.Backend"),
    )
    assert len(through_sso) == len(with_password)
    assert through_sso[1] == with_password[1]  # the user row, roles and agency in one
    assert "_sspf_roles" in through_sso[1]


# --- end to end: Chromium, the product's live server and the provider's process ----------------


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    with running(
        tmp_path_factory.mktemp("idp"),
        [f"{live_server.url}/accounts/oidc/callback/"],
        [f"{live_server.url}/accounts/login/"],
    ) as provider:
        yield provider


@pytest.fixture
def sso_live(settings, provider, live_server, agencies):
    require(CHROMIUM, "Debian's chromium")
    sso_on(
        settings,
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
    )
    return provider


class SignIn:
    """One sign-in in a fresh browser context: the product's login page, the button, the
    provider's form, back to the product."""

    def __init__(self, browser, base_url, provider, username, next_url=None):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.authorize = []
        self.page.on(
            "request",
            lambda r: self.authorize.append(r.url) if "/o/authorize/" in r.url else None,
        )
        self.page.goto(f"{base_url}/accounts/login/" + (f"?next={next_url}" if next_url else ""))
        self.page.get_by_test_id("sso-button").click()
        self.page.wait_for_url(f"{provider.base}/login/**")
        self.page.fill("#idp-username", username)
        self.page.fill("#idp-password", IDP_PASSWORD)
        with self.page.expect_response(lambda r: "/accounts/oidc/callback/" in r.url) as back:
            self.page.click("#idp-submit")
        self.callback = back.value
        self.page.wait_for_load_state("networkidle")

    def close(self):
        self.context.close()


@pytest.fixture
def sign_in(browser, live_server, sso_live):
    opened = []

    def sign_in(username, next_url=None):
        opened.append(SignIn(browser, live_server.url, sso_live, username, next_url))
        return opened[-1]

    yield sign_in
    for done in opened:
        done.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_coordinator_signs_in_with_pkce_and_lands_on_the_overview(
    sso_live, sign_in, live_server, agencies, settings
):
    sso_live.set_user("anna", ["sspf-samordnare"], first_name="Anna", last_name="Ek")

    done = sign_in("anna")

    query = parse_qs(urlparse(done.authorize[0]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert query["scope"] == ["openid email profile"]
    assert done.page.url == f"{live_server.url}/sspf/dashboard/"
    expect(done.page.get_by_test_id("shell-logout")).to_be_visible()
    expect(done.page.locator("body")).to_contain_text("Anna Ek")
    shot(done.page, "coordinator")
    user = User.objects.get(external_identities__issuer=sso_live.issuer)
    assert roles_of(user) == {"samordnare"}
    # The provider did the strong authentication: the session says so (the product's own
    # second factor is not asked for).
    cookie = next(c for c in done.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = import_module(settings.SESSION_ENGINE).SessionStore(cookie["value"])
    assert session[sso.SESSION_FLAG] is True
    assert session["_auth_user_id"] == str(user.pk)
    assert user.membership.agency == agencies["socialtjanst"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_groups_sign_two_users_in_with_their_roles(sso_live, sign_in, live_server, agencies):
    sso_live.set_user("sara", ["sspf-skola", "alla-anstallda"])
    sso_live.set_user("stina", ["sspf-styrgrupp", "sspf-polisen"])

    school = sign_in("sara", next_url="/sspf/list/")  # the page she asked for first
    steering = sign_in("stina")

    assert school.page.url == f"{live_server.url}/sspf/list/"
    assert steering.page.url == f"{live_server.url}/steering/"
    sara, stina = (User.objects.get(username=name) for name in ("sara", "stina"))
    assert roles_of(sara) == {"skola"} and sara.membership.agency == agencies["skola"]
    assert roles_of(stina) == {"styrgrupp"} and stina.membership.agency == agencies["polis"]
    expect(steering.page.get_by_test_id("steering")).to_be_visible()  # her report


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_group_that_maps_to_nothing_gets_the_refusal_in_swedish(sso_live, sign_in, live_server):
    sso_live.set_user("otto", ["alla-anstallda"])

    done = sign_in("otto")

    assert done.callback.status == 403
    expect(done.page.get_by_test_id("sso-message")).to_contain_text(
        "Ditt konto hos kommunen ger ingen behörighet i SSPF"
    )
    shot(done.page, "refused")
    done.page.goto(f"{live_server.url}/sspf/list/")
    assert "/accounts/login/" in done.page.url  # not signed in
    assert not User.objects.filter(username="otto").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_group_removed_at_the_provider_is_gone_at_the_next_sign_in(
    sso_live, sign_in, live_server
):
    sso_live.set_user("cilla", ["sspf-samordnare", "sspf-styrgrupp"])
    first = sign_in("cilla")
    assert first.page.url == f"{live_server.url}/sspf/dashboard/"
    user = User.objects.get(username="cilla")

    sso_live.set_user("cilla", ["sspf-styrgrupp", "sspf-polisen"])
    second = sign_in("cilla")

    assert roles_of(user) == {"styrgrupp"}
    assert second.page.url == f"{live_server.url}/steering/"  # no longer the overview
    expect(second.page.get_by_test_id("steering")).to_be_visible()

    sso_live.set_user("cilla", [])
    third = sign_in("cilla")

    assert third.callback.status == 403
    expect(third.page.get_by_test_id("sso-message")).to_be_visible()
    assert roles_of(user) == set()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_with_passwords_off_the_login_page_is_one_button_that_works(
    sso_live, sign_in, live_server, settings
):
    settings.SSPF_LOCAL_LOGIN = False
    sso_live.set_user("per", ["sspf-polisen", "sspf-styrgrupp"])

    done = sign_in("per")

    assert done.page.url == f"{live_server.url}/steering/"
    page = done.context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("input[name=password]")).to_have_count(0)
    expect(page.get_by_test_id("sso-button")).to_have_text("Logga in med kommunens konto")
    shot(page, "login-only")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_sso_pages_pass_axe(sso_live, sign_in, live_server):
    require(AXE_JS, "axe-core from npm (.ci/run installs it; or set AXE_JS)")
    sso_live.set_user("olle", ["alla-anstallda"])
    done = sign_in("olle")

    found = axe_violations(done.page)  # the refusal page
    done.page.goto(f"{live_server.url}/accounts/login/")  # the button beside the form
    found += axe_violations(done.page)

    assert found == []


def axe_violations(page):
    """axe (WCAG 2.1 AA) on the page shown: its serious and critical violations (axe evaluated
    through DevTools, as ``tests.axe`` does: the CSP refuses an inline script)."""
    page.evaluate(Path(AXE_JS).read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{page.url} {violation['id']}: {node['html'][:200]}"
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


def sign_out_and_back(done, live_server):
    """Signs out through the menu bar, then presses the login page's button again: the URL
    the browser ends on (the provider's login form, or the product signed in again)."""
    done.page.get_by_test_id("shell-logout").click()
    done.page.wait_for_url(f"{live_server.url}/accounts/login/")
    done.page.get_by_test_id("sso-button").click()
    done.page.wait_for_load_state("networkidle")
    return done.page.url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signing_out_leaves_the_provider_session_by_default(sso_live, sign_in, live_server):
    sso_live.set_user("vera", ["sspf-styrgrupp", "sspf-polisen"])
    done = sign_in("vera")

    assert sign_out_and_back(done, live_server) == f"{live_server.url}/steering/"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_signing_out_at_the_provider_too_asks_for_the_password_again(
    sso_live, sign_in, live_server, settings
):
    settings.SSPF_OIDC_LOGOUT_AT_PROVIDER = True
    settings.OIDC_STORE_ID_TOKEN = True
    sso_live.set_user("vera", ["sspf-styrgrupp", "sspf-polisen"])
    done = sign_in("vera")

    assert sign_out_and_back(done, live_server).startswith(f"{sso_live.base}/login/")
    assert "_auth_user_id" not in session_of(done.context, settings)


def session_of(context, settings):
    cookie = next(c for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    return import_module(settings.SESSION_ENGINE).SessionStore(cookie["value"]).load()
