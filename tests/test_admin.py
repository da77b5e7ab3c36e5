"""The administrator configures municipalities, agencies and memberships in /admin/, and no
case model is reachable there."""

import pytest
from django.contrib import admin

from sspf_flow.models import Case, CaseEvent, Consent, Meeting, Youth


@pytest.mark.parametrize(
    "url",
    [
        "/admin/sspf_flow/agency/",
        "/admin/sspf_flow/municipality/",
        "/admin/auth/user/",
        "/admin/notifications/outbox/",
    ],
)
def test_admin_configures_the_organisation(client, admin_user, url):
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_admin_gives_a_user_an_agency(client, admin_user, agencies, users):
    client.force_login(admin_user)
    page = client.get(f"/admin/auth/user/{users['skola'].pk}/change/").content.decode()
    assert "membership-0-agency" in page


def test_roles_are_named_in_words_not_by_their_group_codes(client, admin_user, users):
    client.force_login(admin_user)
    page = client.get(f"/admin/auth/user/{users['skola'].pk}/change/").content.decode()
    roles = page.split('name="groups"', 1)[1].split("</select>", 1)[0]
    assert ">SSPF-koordinator<" in roles and ">Styrgrupp<" in roles
    assert ">samordnare<" not in roles and ">styrgrupp<" not in roles
    listing = client.get("/admin/auth/user/?role=skola").content.decode()
    assert "sara" in listing and ">anja<" not in listing
    assert client.get("/admin/auth/group/").status_code == 404


def test_no_case_data_is_registered_in_the_admin():
    for model in (Case, Youth, Consent, Meeting, CaseEvent):
        assert model not in admin.site._registry


def test_case_workers_are_not_let_into_the_admin(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/admin/sspf_flow/agency/")
    assert response.status_code == 302 and "/admin/login/" in response.url


TARGET_GROUP = {"target_age_min": 13, "target_age_max": 17, "target_risk_levels": ["low", "high"]}
STATISTICS = {"statistics_threshold": 3}
LADDER_AND_AGES = [
    "consent_age_alone",
    "consent_age_with_guardians",
    "reminder_days",
    "escalate_to_coordinator_days",
    "escalate_to_manager_days",
    "consent_expiry_notice_days",
    "assess_within_days",
    "consent_pending_days",
    "plan_within_days",
]


def test_the_ladder_days_are_set_per_municipality_and_checked(client, admin_user, municipality):
    client.force_login(admin_user)
    url = f"/admin/sspf_flow/municipality/{municipality.pk}/change/"
    form = {
        "name": municipality.name,
        "code": municipality.code,
        "consent_age_alone": 18,
        "consent_age_with_guardians": 15,
        "reminder_days": 5,
        "escalate_to_coordinator_days": 7,
        "escalate_to_manager_days": 7,
        "consent_expiry_notice_days": 21,
        "assess_within_days": 5,
        "consent_pending_days": 10,
        "plan_within_days": 10,
        **TARGET_GROUP,
        **STATISTICS,
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "Samordnarens chef larmas senare än samordnaren" in refused.content.decode()
    client.post(url, {**form, "escalate_to_manager_days": 14})
    municipality.refresh_from_db()
    assert (municipality.reminder_days, municipality.escalate_to_manager_days) == (5, 14)


def test_the_statistics_threshold_is_set_per_municipality_and_at_least_two(
    client, admin_user, municipality
):
    """Issue 14, 4: the smallest number the steering report shows is the municipality's."""
    client.force_login(admin_user)
    url = f"/admin/sspf_flow/municipality/{municipality.pk}/change/"
    form = {
        "name": municipality.name,
        "code": municipality.code,
        **{field: getattr(municipality, field) for field in LADDER_AND_AGES},
        **TARGET_GROUP,
    }
    assert 'name="statistics_threshold"' in client.get(url).content.decode()
    refused = client.post(url, {**form, "statistics_threshold": 1})
    assert refused.context["adminform"].form.errors["statistics_threshold"]
    client.post(url, {**form, "statistics_threshold": 5})
    municipality.refresh_from_db()
    assert municipality.statistics_threshold == 5
