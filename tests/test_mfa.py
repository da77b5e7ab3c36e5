"""Two-factor sign-in (issue 15): who must (``access.requires_second_factor``), the step every
page redirects to until it is done, the authenticator app enrolled and confirmed, the recovery
codes shown once and each usable once, wrong codes throttled, the administrator's reset; and
the whole flow in Chromium. SSPF_MFA_REQUIRED is on in production; conftest turns it off for
the other tests, these turn it on."""

import base64
import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from sspf_flow import access
from tests.browser import PASSWORD, log_in, require
from tests.devices import a_key, code_for, enrolled, keys_at
from tests.swedish import english_in

VERIFY = "/accounts/2fa/"
SETUP = "/accounts/2fa/setup/"


@pytest.fixture
def mfa_on(settings):
    settings.SSPF_MFA_REQUIRED = True


# The rule


@pytest.mark.django_db
def test_every_role_must_and_a_user_without_role_need_not(users, mfa_on, django_user_model):
    for user in users.values():
        assert access.requires_second_factor(user), user.username
    nobody = django_user_model.objects.create_user("norole", password=PASSWORD)
    assert not access.requires_second_factor(nobody)
    nobody.is_staff = True
    assert access.requires_second_factor(nobody)


@pytest.mark.django_db
def test_off_by_setting(users, settings):
    settings.SSPF_MFA_REQUIRED = False
    assert not access.requires_second_factor(users["samordnare"])


def test_single_sign_on_sessions_are_exempt():
    assert access.second_factor_exempt({"sspf_sso": True})
    assert not access.second_factor_exempt({})


# The step every page leads to


@pytest.mark.django_db
def test_an_unverified_user_cannot_reach_a_case_page_by_url(client, coordinator, case, mfa_on):
    enrolled(coordinator)
    client.force_login(coordinator)
    for url in (f"/sspf/{case.number}/", "/sspf/list/", "/", "/log/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY + "?next="), url
    assert client.post(f"/sspf/{case.number}/").status_code == 302
    assert client.get(VERIFY).status_code == 200
    assert client.get("/accounts/login/").status_code in (200, 302)


@pytest.mark.django_db
def test_without_an_app_the_step_is_enrolment(client, coordinator, mfa_on):
    client.force_login(coordinator)
    response = client.get(VERIFY)
    assert response.status_code == 302 and response["Location"] == SETUP
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and "Nyckel att skriva in" in page
    assert "<script" not in page.split("<body", 1)[1].split("</main>")[0]


@pytest.mark.django_db
def test_a_single_sign_on_session_goes_straight_in(client, coordinator, mfa_on):
    client.force_login(coordinator)
    session = client.session
    session["sspf_sso"] = True
    session.save()
    assert client.get("/sspf/list/").status_code == 200


@pytest.mark.django_db
def test_with_the_setting_off_nobody_is_asked(client, coordinator):
    enrolled(coordinator)
    client.force_login(coordinator)
    assert client.get("/sspf/list/").status_code == 200


# Codes


@pytest.mark.django_db
def test_a_recovery_code_works_once(client, coordinator, mfa_on):
    enrolled(coordinator)
    client.force_login(coordinator)
    response = client.post(VERIFY + "?next=/sspf/list/", {"code": "ABCD 1234"})
    assert response.status_code == 302 and response["Location"] == "/sspf/list/"
    assert client.get("/sspf/list/").status_code == 200
    client.logout()
    client.force_login(coordinator)
    refused = client.post(VERIFY, {"code": "abcd1234"})
    assert refused.status_code == 400
    assert "Koden är fel, har gått ut eller har redan använts." in refused.content.decode()
    assert StaticToken.objects.filter(device__user=coordinator).count() == 1


@pytest.mark.django_db
def test_wrong_codes_are_throttled(client, coordinator, mfa_on):
    app = enrolled(coordinator)
    client.force_login(coordinator)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        wrong = client.post(VERIFY, {"code": "000000"})
        assert wrong.status_code == 400
        # the right code right after a wrong one waits for the throttle (1 s, then 2, 4 …)
        right = code_for(app.bin_key, start)
        waiting = client.post(VERIFY, {"code": right})
        assert waiting.status_code == 400
        assert "För många felaktiga koder" in waiting.content.decode()
    app.refresh_from_db()
    assert app.throttling_failure_count == 1
    later = start + dt.timedelta(seconds=5)
    with time_machine.travel(later, tick=False):
        accepted = client.post(VERIFY, {"code": code_for(app.bin_key, later)})
        assert accepted.status_code == 302
    app.refresh_from_db()
    assert app.throttling_failure_count == 0


@pytest.mark.django_db
def test_an_enrolled_user_cannot_enrol_a_new_app_before_confirming(client, coordinator, mfa_on):
    enrolled(coordinator)
    client.force_login(coordinator)
    assert client.get(SETUP)["Location"] == VERIFY
    assert client.get("/accounts/2fa/manage/")["Location"] == VERIFY


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old(client, coordinator, mfa_on):
    enrolled(coordinator)
    client.force_login(coordinator)
    client.post(VERIFY, {"code": "abcd1234"})
    manage = client.get("/accounts/2fa/manage/").content.decode()
    assert "Du har 1 oanvänd reservkod." in manage
    response = client.post("/accounts/2fa/renew-codes/", follow=True)
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", response.content.decode())
    assert len(codes) == 10
    assert not StaticToken.objects.filter(token="efgh5678").exists()
    saved = client.post("/accounts/2fa/codes/")
    assert saved["Location"] == "/accounts/2fa/manage/"
    assert client.get("/accounts/2fa/codes/")["Location"] == "/accounts/2fa/manage/"


@pytest.mark.django_db
def test_the_administrator_resets_a_second_factor_and_sees_no_key(client, coordinator, admin_user):
    enrolled(coordinator)
    client.force_login(admin_user)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [coordinator.pk]},
        follow=True,
    )
    assert "Tvåstegsinloggningen återställd för 1 användare" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()


@pytest.mark.django_db
def test_the_preferences_page_links_to_the_own_page(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/sspf/notifications/").content.decode()
    assert 'href="/accounts/2fa/manage/"' in page


# End to end in Chromium


def _secret_on(page):
    text = page.get_by_test_id("mfa-secret").inner_text().replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def _seconds_later(seconds):
    """The server's clock (the live server runs in this process) moved ahead, still ticking."""
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=True)


@pytest.mark.django_db(transaction=True)
def test_enrol_and_sign_in_with_a_recovery_code_in_a_browser(
    browser, live_server, coordinator, case, mfa_on
):
    require("/usr/bin/chromium", "Chromium")
    base = live_server.url
    page = log_in(browser, base, "anja")
    try:
        page.wait_for_url(f"{base}{SETUP}")
        assert page.get_by_test_id("mfa-qr").locator("svg").count() == 1
        key = _secret_on(page)

        page.fill("input[name=code]", "123456" if code_for(key) != "123456" else "654321")
        page.click("form[data-testid=mfa-setup] button[type=submit]")
        error = page.locator(".vf-form").get_by_text("Koden stämmer inte")
        error.wait_for()
        # a wrong code throttles the next try for a second: the server's clock moves on
        with _seconds_later(3):
            page.fill("input[name=code]", code_for(key))
            page.click("form[data-testid=mfa-setup] button[type=submit]")
            page.wait_for_url(f"{base}/accounts/2fa/codes/")
        expect(page.get_by_text("de visas bara nu")).to_be_visible()
        codes = page.get_by_test_id("mfa-codes").locator("li").all_inner_texts()
        assert len(codes) == 10 and len(set(codes)) == 10
        page.get_by_role("button", name="Jag har sparat koderna").click()
        page.wait_for_url(lambda url: "/accounts/" not in url)
        page.goto(f"{base}/sspf/{case.number}/")
        assert page.url == f"{base}/sspf/{case.number}/"
        page.context.close()

        # the next sign-in: the case page by URL leads to the step; a recovery code lets in
        page = log_in(browser, base, "anja")
        page.goto(f"{base}/sspf/{case.number}/")
        assert page.url.startswith(f"{base}{VERIFY}?next=")
        page.fill("input[name=code]", "nonsense1")
        page.click("form[data-testid=mfa-verify] button[type=submit]")
        page.locator(".vf-form").get_by_text("Koden är fel").wait_for()
        with _seconds_later(3):
            page.fill("input[name=code]", codes[0])
            page.click("form[data-testid=mfa-verify] button[type=submit]")
            page.wait_for_url(f"{base}/sspf/{case.number}/")
        page.context.close()

        # the used code is gone
        page = log_in(browser, base, "anja")
        page.wait_for_url(lambda url: VERIFY in url)
        page.fill("input[name=code]", codes[0])
        page.click("form[data-testid=mfa-verify] button[type=submit]")
        page.locator(".vf-form").get_by_text("Koden är fel").wait_for()
        assert VERIFY in page.url
    finally:
        page.context.close()


@pytest.mark.django_db
def test_a_confirmed_session_costs_one_query_per_page(client, coordinator, case, settings):
    """OTPMiddleware reads the session's device (one query); nothing else is added."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    enrolled(coordinator)
    client.force_login(coordinator)
    url = f"/sspf/{case.number}/"
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        assert client.get(url).status_code == 200
    settings.SSPF_MFA_REQUIRED = True
    client.post(VERIFY, {"code": "abcd1234"})
    client.get(url)
    with CaptureQueriesContext(connection) as confirmed:
        assert client.get(url).status_code == 200
    assert len(confirmed) == len(without) + 1


# Every page of the second step, as a user sees it: Swedish, and nothing of anyone's case
# (the pages under /accounts/ are outside the all-pages walks of test_swedish and test_leaks)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["samordnare", "skola", "polis", "styrgrupp"])
def test_every_page_of_the_second_step_is_swedish_and_shows_no_case(
    client, users, case, role, mfa_on, settings
):
    keys_at(settings, "https://sspf.example-kommun.se")  # the security keys' parts shown too
    user = users[role]
    client.force_login(user)
    shown = [client.get(SETUP), client.post(SETUP, {"code": "000000"})]  # enrolment, refused
    TOTPDevice.objects.filter(user=user).update(confirmed=True)
    StaticDevice.objects.filter(user=user).delete()
    client.logout()
    enrolled(user)
    a_key(user)
    client.force_login(user)
    shown += [client.get(VERIFY), client.post(VERIFY, {"code": "nonsense1"})]  # step, refused
    with _seconds_later(3):  # past the wait a wrong code sets
        assert client.post(VERIFY, {"code": "abcd1234"}).status_code == 302
        shown += [client.get("/accounts/2fa/manage/")]
        shown += [client.post("/accounts/2fa/renew-codes/", follow=True)]  # the codes, once
    assert "Använd säkerhetsnyckel" in shown[2].content.decode()
    assert "Lägg till säkerhetsnyckel" in shown[4].content.decode()
    for response in shown:
        page = response.content.decode()  # the key to type in is translate="no": not words
        assert response.status_code in (200, 400), response.status_code
        assert english_in(page) == [], (response.request["PATH_INFO"], english_in(page))
        youth = case.youth
        for secret in filter(None, [case.number, youth.personal_number, youth.first_name]):
            assert secret not in page, (response.request["PATH_INFO"], secret)
