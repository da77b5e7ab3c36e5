"""Anonymous consultations: recorded without personal data, counted by outcome, and made into a
referral when SSPF fits."""

import datetime as dt

from django.utils import timezone

from casework.workflow.flows import CaseFlow
from sspf_flow.models import Case, Consultation, Youth
from tests.builders import referral_post


def consultation_post(agencies, **changes):
    return {
        "asked_on": str(timezone.localdate()),
        "asking_agency": agencies["skola"].pk,
        "age_band": "12_14",
        "gender": "annat",
        "concerns": ["school_absence"],
        "outcome": "advice",
        "not_sspf_reason": "not_crime_preventive",
        **changes,
    }


def test_the_coordinator_records_a_consultation_without_personal_data(
    client, coordinator, agencies
):
    client.force_login(coordinator)
    response = client.post("/sspf/consultations/new/", consultation_post(agencies))
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.age_band == "12_14" and consultation.concerns == ["school_absence"]
    assert not Youth.objects.exists() and not Case.objects.exists()


def test_consultations_are_counted_by_outcome(client, coordinator, agencies):
    client.force_login(coordinator)
    for outcome in ("advice", "advice", "nothing"):
        client.post("/sspf/consultations/new/", consultation_post(agencies, outcome=outcome))
    counts = dict(client.get("/sspf/consultations/").context["counts"])
    assert list(counts.values()).count(2) == 1 and list(counts.values()).count(1) == 1


def test_a_consultation_in_the_future_is_refused(client, coordinator, agencies):
    client.force_login(coordinator)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        "/sspf/consultations/new/", consultation_post(agencies, asked_on=str(tomorrow))
    )
    assert response.status_code == 200 and response.context["form"].errors["asked_on"]
    assert not Consultation.objects.exists()


def test_a_consultation_becomes_a_referral(client, coordinator, agencies):
    client.force_login(coordinator)
    client.post("/sspf/consultations/new/", consultation_post(agencies))
    consultation = Consultation.objects.get()
    form = client.get(f"/sspf/new/?consultation={consultation.pk}", follow=True)
    assert form.context["form"].initial["concerns"] == ["school_absence"]
    response = client.post(
        CaseFlow.start.reverse("execute"), {**referral_post(), "consultation": consultation.pk}
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.became_case == Case.objects.get()
    assert consultation.outcome == "referral"


def test_consultations_are_the_coordinators_only(
    client, users, coordinator, agencies, foreign_coordinator
):
    client.force_login(coordinator)
    client.post("/sspf/consultations/new/", consultation_post(agencies))
    for outsider in (users["skola"], users["styrgrupp"], users["admin"]):
        client.force_login(outsider)
        assert client.get("/sspf/consultations/").status_code == 403
        assert client.get("/sspf/consultations/new/").status_code == 403
    client.force_login(foreign_coordinator)
    assert not client.get("/sspf/consultations/").context["object_list"]
