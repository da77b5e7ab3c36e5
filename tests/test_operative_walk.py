"""Issue 13's acceptance walk through two operative meetings (seed 001), as the members do it
in the browser (the Django test client), in frozen time: the first meeting's agenda built from
the cases' state (a case referred since the last meeting, listed to the agency its consent
covers and not to the police), the agencies' pictures of the area entered before it; at the
first meeting the secretary records who was present, the minutes and two joint commitments;
between the meetings the school marks its commitment done and the police are reminded of
theirs; the second meeting's agenda follows both up (one done, one still open); the first
meeting's minutes as PDF."""

import datetime as dt
import io

import time_machine
from django.utils import timezone
from pypdf import PdfReader

from notifications.models import Outbox
from operative import commitments
from operative.models import Commitment
from sspf_flow import services as case_services
from sspf_flow.models import AccessLog
from tests.builders import ALL_CATEGORIES, accept_step, client_of, operative_group, signed_pdf
from tests.footprint import FROZEN, TODAY

PICTURES = {
    "skola": {"trends": "Ökad frånvaro i årskurs 8 efter lunch.", "places": "Skolgården."},
    "polis": {"trends": "Samlingar vid torget fredagskvällar.", "times": "Fredagar efter 21."},
}
MINUTES = "Lägesbild: oro för samlingar vid torget. Två gemensamma åtaganden beslutades."
SCHOOLS = "Skolan och fritid ordnar en gemensam aktivitet för årskurs 8."
POLICE = "Polisen gör riktade besök vid torget fredagskvällar."


def pdf_text(raw):
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages)
    return " ".join(text.split())


def at(moment):
    return time_machine.travel(moment, tick=False)


def case_covering_the_school(refer, coordinator, agencies):
    """A case referred today, its consent covering the school (not the police)."""
    case = refer()
    accept_step(case, coordinator)
    case_services.register_consent(
        case,
        coordinator,
        method="written",
        purpose="Samverkan i SSPF.",
        valid_from=TODAY,
        valid_to=TODAY + dt.timedelta(days=180),
        agencies=[agencies["skola"]],
        categories=ALL_CATEGORIES,
        signed_form=signed_pdf(),
        signers=[("guardian", g) for g in case.youth.guardians.all()],
        youth_view="Okej.",
    )
    case.refresh_from_db()
    return case


def test_two_operative_meetings_from_the_agenda_to_the_minutes(
    users, agencies, coordinator, refer, settings
):
    with at(FROZEN):
        group = operative_group(users, agencies)
        chair, secretary, school = users["socialtjanst"], users["polis"], users["skola"]
        answer = client_of(chair).post(
            f"/operative/{group.pk}/plan/",
            {
                "first_day": TODAY + dt.timedelta(days=3),
                "time": "09:00",
                "every_weeks": 2,
                "place": "Stadshuset, rum Ekan",
            },
        )
        assert answer.status_code == 302
        first, second = group.meetings.order_by("starts_at")[:2]
        case = case_covering_the_school(refer, coordinator, agencies)

    # --- before the first meeting: the agencies' pictures, the agenda from the cases' state
    with at(first.starts_at - dt.timedelta(days=1)):
        for key, texts in PICTURES.items():
            answer = client_of(users[key]).post(f"/operative/meetings/{first.pk}/area/", texts)
            assert answer.status_code == 302, key
        agenda = f"/operative/meetings/{first.pk}/agenda/"
        schools_agenda = client_of(school).get(agenda).content.decode()
        police_agenda = client_of(secretary).get(agenda).content.decode()
    for page in (schools_agenda, police_agenda):
        assert "Ökad frånvaro i årskurs 8 efter lunch." in page
        assert "Samlingar vid torget fredagskvällar." in page
    assert case.number in schools_agenda and "Ny aktualisering" in schools_agenda
    assert case.number not in police_agenda and "Inget ärende att ta upp." in police_agenda
    assert AccessLog.objects.filter(case=case, user=school).count() == 1
    assert not AccessLog.objects.filter(user=secretary).exists()

    # --- at the first meeting: who was present, the minutes, two joint commitments
    with at(first.starts_at + dt.timedelta(hours=1)):
        secretarys = client_of(secretary)
        present = list(group.members.exclude(user=school).values_list("pk", flat=True))
        answer = secretarys.post(
            f"/operative/meetings/{first.pk}/minutes/", {"minutes": MINUTES, "present": present}
        )
        assert answer.status_code == 302
        due = timezone.localdate(first.starts_at)
        for text, agency, days in (
            (SCHOOLS, agencies["skola"], 7),
            (POLICE, agencies["polis"], 12),
        ):
            answer = secretarys.post(
                f"/operative/meetings/{first.pk}/commitments/new/",
                {"text": text, "agency": agency.pk, "due": due + dt.timedelta(days=days)},
            )
            assert answer.status_code == 302, answer.content.decode()
    schools_one, polices = Commitment.objects.order_by("pk")
    first.refresh_from_db()
    assert first.status == "held"

    # --- between the meetings: the school keeps its word; the police are reminded of theirs
    with at(first.starts_at + dt.timedelta(days=5)):
        answer = client_of(school).post(
            f"/operative/commitments/{schools_one.pk}/",
            {"status": "done", "comment": "Aktiviteten hölls på fritidsgården."},
        )
        assert answer.status_code == 302
    reminder_day = timezone.localtime(first.starts_at).replace(hour=settings.NOTIFY_HOUR)
    with at(reminder_day + dt.timedelta(days=9)):  # 3 days before the police's due date
        assert commitments.send_commitment_notices() == (1, 0)
        assert commitments.send_commitment_notices() == (0, 0)
    reminders = Outbox.objects.filter(kind="group_commitment_due")
    assert list(reminders.values_list("to", flat=True)) == ["per@exempel.invalid"]
    assert POLICE not in reminders.get().body_text

    # --- before the second meeting: its agenda follows both up
    with at(second.starts_at - dt.timedelta(days=1)):
        page = client_of(users["skola"]).get(f"/operative/meetings/{second.pk}/agenda/")
    text = page.content.decode()
    assert "Gemensamma åtaganden att följa upp" in text
    assert SCHOOLS in text and "Klart: Aktiviteten hölls på fritidsgården." in text
    assert POLICE in text and "Öppet" in text

    # --- the first meeting's minutes as PDF: the text, who was present, the commitments
    with at(second.starts_at - dt.timedelta(days=1)):
        answer = client_of(users["socialtjanst"]).get(f"/operative/meetings/{first.pk}/minutes.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    minutes = pdf_text(answer.content)
    assert "Minnesanteckningar: Operativa gruppen Centrum" in minutes
    assert MINUTES in minutes
    assert "Närvarande" in minutes and "Socialtjänsten" in minutes
    assert SCHOOLS in minutes and POLICE in minutes
    assert "Klart: Aktiviteten hölls på fritidsgården." in minutes and "Öppet" in minutes
    assert case.number not in minutes and str(case.youth) not in minutes
