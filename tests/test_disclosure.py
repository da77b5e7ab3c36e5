"""Issue 12 (6): what an agency supplied is disclosed to another agency only while a consent
covers both (seed 004: each agency needs the consent for what it shares), and within the
categories the reader's consent names; the agency that wrote it always sees it. Here: the
school's referral — its description of the concern, its protective factors and its filled-in
referral template."""

import pytest

from casework.workflow import steps
from tests.builders import ALL_CATEGORIES, accept_step, written_consent

CONCERN = "Frånvaro varje måndag"


@pytest.fixture
def case(refer, coordinator):
    """Referred by the school; accepted; no consent yet."""
    case = refer()
    case.concern_text = CONCERN
    case.protective_text = "Tycker om fotboll."
    case.save(update_fields=["concern_text", "protective_text"])
    accept_step(case, coordinator)
    return case


def consent(case, coordinator, agencies, categories=ALL_CATEGORIES):
    steps.complete(
        case,
        "obtain_consent",
        coordinator,
        lambda: written_consent(case, coordinator, agencies, categories),
    )


def page(client, user, case):
    client.force_login(user)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_consent_for_the_police_alone_does_not_disclose_the_school_s_referral(
    client, users, agencies, case, coordinator
):
    consent(case, coordinator, [agencies["polis"]])

    police = page(client, users["polis"], case)

    assert CONCERN not in police and "Tycker om fotboll" not in police
    assert 'data-testid="not-disclosed"' in police
    assert "Inget samtycke omfattar verksamheten som aktualiserade ärendet" in police


def test_with_the_school_covered_too_the_police_read_it(client, users, agencies, case, coordinator):
    consent(case, coordinator, [agencies["polis"], agencies["skola"]])

    police = page(client, users["polis"], case)

    assert CONCERN in police and 'data-testid="not-disclosed"' not in police


def test_the_school_reads_its_own_referral_whatever_categories_the_consent_names(
    client, users, agencies, case, coordinator
):
    consent(case, coordinator, [agencies["skola"]], categories=["school"])

    school = page(client, users["skola"], case)

    assert CONCERN in school and "Tycker om fotboll" in school
    assert 'data-testid="limited"' in school  # the other mixed texts stay hidden
    social = users["socialtjanst"]
    client.force_login(social)
    assert client.get(case.get_absolute_url()).status_code == 404  # not covered at all


def test_the_coordinator_always_reads_the_referral(client, coordinator, agencies, case):
    consent(case, coordinator, [agencies["polis"]])
    assert CONCERN in page(client, coordinator, case)


@pytest.mark.parametrize(
    ("scope", "reader", "shown"),
    [
        (["polis"], "polis", False),
        (["polis", "skola"], "polis", True),
        (["skola"], "skola", True),
    ],
)
def test_the_filled_in_referral_template_follows_the_same_rule(
    client, users, agencies, case, coordinator, scope, reader, shown
):
    from forms import services as form_services
    from forms.models import FormVersion

    version = FormVersion.objects.published_for(case.municipality_id, "referral")
    form_services.submit(version, {}, users["skola"], case=case, about="referral")
    consent(case, coordinator, [agencies[name] for name in scope])

    client.force_login(users[reader])
    history = client.get(f"/sspf/{case.number}/history/").content.decode()

    assert (version.template.name in history) is shown
