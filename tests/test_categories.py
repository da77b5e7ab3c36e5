"""A covered agency sees only the information categories its consent names: actions by the
responsible party's area (and always its own), coded concerns by their area, and the texts
that mix every party's picture only with a consent that covers every category."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.workflow import steps
from sspf_flow import records, services
from sspf_flow.models import Consent
from tests.builders import ALL_CATEGORIES, accept_step, written_consent


@pytest.fixture
def held(refer, coordinator, agencies):
    """Consent for school, police and social services, a meeting held with one action each."""
    case = refer()
    accept_step(case, coordinator)
    case.concerns = ["school_absence", "criminal_peers"]
    case.save(update_fields=["concerns"])
    scope = [agencies["skola"], agencies["polis"], agencies["socialtjanst"]]
    today = timezone.localdate()

    def consent(categories):
        return written_consent(case, coordinator, scope, categories)

    steps.complete(case, "obtain_consent", coordinator, lambda: consent(ALL_CATEGORIES))
    meeting = steps.complete(
        case,
        "plan_meeting",
        coordinator,
        lambda: services.plan_meeting(
            case,
            coordinator,
            kind="network",
            starts_at=timezone.now() + dt.timedelta(days=1),
            place="Skolan",
            agencies=scope,
        ),
    )
    due = today + dt.timedelta(days=30)
    steps.complete(
        case,
        "hold_meeting",
        coordinator,
        lambda: services.hold_meeting(
            case,
            coordinator,
            meeting,
            attended_agencies=scope,
            youth_attended=True,
            guardians_attended=True,
            protocol="PROTOKOLL-TEXT",
            goals=[{"text": "Närvaro"}],
            actions=[
                {
                    "text": "SKOLANS-ATGARD",
                    "party": "agency",
                    "agency": agencies["skola"],
                    "due_date": due,
                },
                {
                    "text": "POLISENS-ATGARD",
                    "party": "agency",
                    "agency": agencies["polis"],
                    "due_date": due,
                },
                {
                    "text": "SOCIALTJANSTENS-ATGARD",
                    "party": "agency",
                    "agency": agencies["socialtjanst"],
                    "due_date": due,
                },
            ],
            next_follow_up=today + dt.timedelta(days=40),
        ),
    )
    records.record_concern_report(case, coordinator, today, "Socialtjänsten")
    return case


def narrow(case, categories):
    """The family's consent names fewer categories (as if registered so from the start)."""
    Consent.objects.filter(case=case).update(categories=categories)


def page(client, user, case):
    """What ``user`` reads of the case: its two pages (the case now; history and documents)."""
    client.force_login(user)
    texts = []
    for path in (f"/sspf/{case.number}/", f"/sspf/{case.number}/history/"):
        response = client.get(path)
        assert response.status_code == 200
        texts.append(response.content.decode())
    return "\n".join(texts)


def test_a_consent_covering_every_category_shows_the_whole_case(client, held, users):
    text = page(client, users["skola"], held)
    for shown in (
        "SKOLANS-ATGARD",
        "POLISENS-ATGARD",
        "SOCIALTJANSTENS-ATGARD",
        "PROTOKOLL-TEXT",
        "Ökad frånvaro.",
    ):
        assert shown in text


def test_school_information_only(client, held, users, coordinator):
    narrow(held, ["school"])
    text = page(client, users["skola"], held)
    assert "SKOLANS-ATGARD" in text
    assert "POLISENS-ATGARD" not in text and "SOCIALTJANSTENS-ATGARD" not in text
    assert "PROTOKOLL-TEXT" not in text
    assert "Ökad frånvaro." in text  # the school's own referral (issue 12: it always sees it)
    assert "Skolfrånvaro" in text and "Kriminella kamrater" not in text
    assert 'data-testid="limited"' in text
    reports = text.split('data-testid="concern-reports"')[1].split("</section>")[0]
    assert "till Socialtjänsten." not in reports  # a report of concern is social services'


def test_reports_of_concern_show_with_social_services_information(client, held, users):
    reports = page(client, users["skola"], held).split('data-testid="concern-reports"')[1]
    assert "till Socialtjänsten." in reports.split("</section>")[0]


def test_an_agency_covered_for_another_category_sees_only_its_own_actions(client, held, users):
    narrow(held, ["school"])
    text = page(client, users["polis"], held)  # the police are covered, for school information
    assert "POLISENS-ATGARD" in text  # what the police themselves are to do
    assert "SKOLANS-ATGARD" in text  # school information, which the consent covers
    assert "SOCIALTJANSTENS-ATGARD" not in text
    assert "Kriminella kamrater" not in text and "PROTOKOLL-TEXT" not in text


def test_the_coordinator_always_sees_every_category(client, held, coordinator):
    narrow(held, ["school"])
    text = page(client, coordinator, held)
    for shown in (
        "SKOLANS-ATGARD",
        "POLISENS-ATGARD",
        "SOCIALTJANSTENS-ATGARD",
        "PROTOKOLL-TEXT",
        "Ökad frånvaro.",
    ):
        assert shown in text


def test_accessibility_needs_show_only_with_health_information(client, held, users, coordinator):
    """The young person's accessibility needs describe their health (issue 10)."""
    held.youth.accessibility_needs = "TILLGANGLIGHET-HALSA"
    held.youth.save(update_fields=["accessibility_needs"])
    narrow(held, ["school", "social_services", "police", "leisure"])
    assert "TILLGANGLIGHET-HALSA" not in page(client, users["skola"], held)
    assert "TILLGANGLIGHET-HALSA" in page(client, coordinator, held)
    narrow(held, ["health"])
    assert "TILLGANGLIGHET-HALSA" in page(client, users["skola"], held)
