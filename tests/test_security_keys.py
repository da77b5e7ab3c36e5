"""Security keys and passkeys (WebAuthn) as a second factor (issue 15,
``casework.pages.security_keys``): added from a sign-in confirmed with the app, then used on the
second step instead of a code; refused in Swedish where the rules say no; removed by the user or
by the administrator's reset. In Chromium with its virtual authenticator (the DevTools
protocol's WebAuthn domain), as a user with a real key would."""

import json

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from project.environment import relying_party
from sspf_flow.mfa_access import SSO_SESSION_FLAG
from tests.axe import audit
from tests.browser import CHROMIUM, PASSWORD, require
from tests.devices import a_key, code_for, enrolled, keys_at
from tests.swedish import english_in

VERIFY = "/accounts/2fa/"
MANAGE = "/accounts/2fa/manage/"
ADD_BEGIN = "/accounts/2fa/keys/add/begin/"
CONFIRM_BEGIN = "/accounts/2fa/keys/confirm/begin/"


@pytest.fixture
def keys_on(settings):
    settings.SSPF_MFA_REQUIRED = True
    keys_at(settings, "https://sspf.example-kommun.se")


def post_json(client, url):
    return client.post(url, data="{}", content_type="application/json")


# Where keys can be used at all


@pytest.mark.parametrize(
    ("site_url", "works"),
    [
        ("https://sspf.example-kommun.se", True),
        ("http://localhost:8000", True),
        ("http://127.0.0.1:8000", False),  # the demo's: no key works on an address
        ("http://sspf.example-kommun.se", False),  # not a secure origin
    ],
)
def test_keys_work_only_on_a_secure_origin(site_url, works):
    host, origins, available = relying_party(site_url)
    assert available is works
    if works:
        assert site_url.split("://")[1].split(":")[0] == host and origins == [site_url]


@pytest.mark.django_db
def test_without_a_secure_site_the_page_offers_no_keys_and_the_server_refuses(
    client, coordinator, settings
):
    settings.SSPF_MFA_REQUIRED = True
    keys_at(settings, "http://127.0.0.1:8000")
    enrolled(coordinator)
    a_key(coordinator)
    client.force_login(coordinator)
    client.post(VERIFY, {"code": "abcd1234"})
    page = client.get(MANAGE).content.decode()
    assert "data-sspf-key" not in page and "Säkerhetsnycklar" not in page
    assert post_json(client, ADD_BEGIN).status_code == 403


# Adding a key


@pytest.mark.django_db
def test_a_key_is_added_only_from_a_sign_in_confirmed_with_the_app(client, coordinator, keys_on):
    enrolled(coordinator)
    client.force_login(coordinator)
    refused = post_json(client, ADD_BEGIN)
    assert refused.status_code == 403
    assert (
        refused.json()["detail"]
        == "Bekräfta först inloggningen med appen, lägg sedan till en nyckel."
    )

    client.post(VERIFY, {"code": "abcd1234"})
    options = post_json(client, ADD_BEGIN)
    assert options.status_code == 200
    body = options.json()
    assert body["rp"] == {"id": "sspf.example-kommun.se", "name": "SSPF"}
    assert body["user"]["name"] == coordinator.username


@pytest.mark.django_db
def test_a_single_sign_on_session_adds_no_key(client, coordinator, keys_on):
    """Its second factor is the provider's: it has confirmed no device of ours."""
    client.force_login(coordinator)
    session = client.session
    session[SSO_SESSION_FLAG] = True
    session.save()
    assert client.get("/sspf/list/").status_code == 200  # let in without our second step
    assert post_json(client, ADD_BEGIN).status_code == 403


@pytest.mark.django_db
def test_signed_out_nobody_begins_anything(client, keys_on):
    for url in (ADD_BEGIN, CONFIRM_BEGIN):
        assert post_json(client, url)["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_forged_answer_is_refused_in_swedish_and_confirms_nothing(client, coordinator, keys_on):
    enrolled(coordinator)
    a_key(coordinator)
    client.force_login(coordinator)
    assert post_json(client, CONFIRM_BEGIN).status_code == 200
    forged = {
        "id": "a2tra2tra2tra2tra2tra2s",
        "rawId": "a2tra2tra2tra2tra2tra2s",
        "type": "public-key",
        "response": {
            "clientDataJSON": "e30",
            "authenticatorData": "AAAA",
            "signature": "AAAA",
            "userHandle": None,
        },
        "clientExtensionResults": {},
    }
    answer = client.post(
        "/accounts/2fa/keys/confirm/complete/",
        data=json.dumps(forged),
        content_type="application/json",
    )
    assert answer.status_code in (400, 403, 404, 422)
    assert english_in(f"<p>{answer.json()['detail']}</p>") == []
    assert client.get("/sspf/")["Location"].startswith(VERIFY)  # still not confirmed


# The user's page and the second step


@pytest.mark.django_db
def test_the_pages_show_the_keys_in_swedish(client, coordinator, keys_on):
    enrolled(coordinator)
    a_key(coordinator)
    client.force_login(coordinator)
    step = client.get(VERIFY).content.decode()
    assert "Använd säkerhetsnyckel" in step
    assert english_in(step) == []
    client.post(VERIFY, {"code": "abcd1234"})
    own = client.get(MANAGE).content.decode()
    assert "Säkerhetsnycklar och passkeys" in own and "Nyckel tillagd" in own
    assert "Lägg till säkerhetsnyckel" in own
    assert english_in(own) == []


@pytest.mark.django_db
def test_the_step_offers_a_key_only_to_a_user_who_has_one(client, coordinator, keys_on):
    enrolled(coordinator)
    client.force_login(coordinator)
    assert "data-sspf-key" not in client.get(VERIFY).content.decode()


@pytest.mark.django_db
def test_a_user_removes_their_own_key_only(client, coordinator, users, keys_on):
    enrolled(coordinator)
    own, others = a_key(coordinator), a_key(users["skola"])
    client.force_login(coordinator)
    url = f"/accounts/2fa/keys/{own.pk}/remove/"
    assert client.post(url)["Location"].startswith(VERIFY)  # not before the sign-in is confirmed
    client.post(VERIFY, {"code": "abcd1234"})
    assert client.post(f"/accounts/2fa/keys/{others.pk}/remove/").status_code == 404
    assert client.post(url)["Location"] == MANAGE
    assert list(WebAuthnCredential.objects.all()) == [others]


@pytest.mark.django_db
def test_the_administrators_reset_removes_the_keys_too(
    client, coordinator, admin_user, keys_on, settings
):
    settings.SSPF_MFA_REQUIRED = False  # the administrator's own second step is not the point
    enrolled(coordinator)
    a_key(coordinator)
    client.force_login(admin_user)
    client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [coordinator.pk]},
    )
    assert not WebAuthnCredential.objects.filter(user=coordinator).exists()


# In Chromium, with a virtual authenticator


def _virtual_key(page):
    """A key plugged into this page's browser: it answers at once, as if touched."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def _sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.django_db(transaction=True)
def test_add_a_key_and_sign_in_with_it_in_a_browser(
    browser, live_server, settings, coordinator, case
):
    require(CHROMIUM, "Chromium")
    settings.SSPF_MFA_REQUIRED = True
    keys_at(settings, live_server.url)  # http://localhost:…, a secure origin
    app = enrolled(coordinator)
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        cdp, authenticator = _virtual_key(page)
        _sign_in(page, base, "anja")
        page.fill("input[name=code]", code_for(app.bin_key))
        page.click("form[data-testid=mfa-verify] button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/" not in url)

        page.goto(f"{base}{MANAGE}")
        page.get_by_role("button", name="Lägg till säkerhetsnyckel").click()
        expect(page.get_by_test_id("mfa-keys").locator("li")).to_have_count(1)
        assert audit(page, page.url) == []
        assert WebAuthnCredential.objects.filter(user=coordinator).count() == 1

        # the next sign-in: the case page by URL leads to the step; the key lets in
        context.clear_cookies()  # a new sign-in in the same browser, with the same key
        _sign_in(page, base, "anja")
        page.goto(f"{base}/sspf/{case.number}/")
        assert page.url.startswith(f"{base}{VERIFY}?next=")
        assert audit(page, page.url) == []
        page.get_by_role("button", name="Använd säkerhetsnyckel").click()
        page.wait_for_url(f"{base}/sspf/{case.number}/")
        assert WebAuthnCredential.objects.get(user=coordinator).last_used_at is not None

        # a key the browser no longer has: when the browser gives up (its timeout, one second
        # here), the step says so in Swedish and still takes a code
        settings.OTP_WEBAUTHN_TIMEOUT_SECONDS = 1
        cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator})
        context.clear_cookies()  # a new sign-in in the same browser, with the same key
        _sign_in(page, base, "anja")
        page.get_by_role("button", name="Använd säkerhetsnyckel").click()
        expect(page.locator("#key-confirm-status")).to_contain_text("Ingenting hände")
        page.fill("input[name=code]", "abcd1234")  # a recovery code (the app's was used)
        page.click("form[data-testid=mfa-verify] button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/" not in url)
    finally:
        context.close()
