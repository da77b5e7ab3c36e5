"""Issue 12 (5): network persons (seed 004: a relative, a coach, a sports leader) — named on a
consent in the consent step, shown on the case page and the consent form, invited to meetings
with a calendar entry while a consent names them (the e-mail names no one), present at the
meeting, and responsible for actions (social services' category, like the family's)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from casework.workflow import steps
from casework.workflow.meeting_forms import PlanMeetingForm
from casework.workflow.plan_forms import ActionForm
from notifications import outbox
from notifications.models import Outbox
from sspf_flow import categories, plan_guards, services
from sspf_flow.models import Action, Consent, Guardian, NetworkPerson, Youth
from sspf_flow.refusals import TransitionRefused
from tests.builders import (
    accept_step,
    consent_post,
    hold_meeting_post,
    meeting_record,
    signed_pdf,
    walk_to_meeting_planned,
    written_consent,
)
from tests.footprint import footprint

pytestmark = pytest.mark.django_db

MATS = {"name": "Mats Morbrorsson", "relation": "morbror", "email": "mats@exempel.invalid"}


def network_rows(*persons):
    """The consent step's network formset POST for ``persons`` (dicts)."""
    data = {"network-TOTAL_FORMS": str(max(2, len(persons))), "network-INITIAL_FORMS": "0"}
    for number, person in enumerate(persons):
        data.update({f"network-{number}-{key}": value for key, value in person.items()})
    return data


def named(case, coordinator, scope, **person):
    """A written consent for ``scope`` that names one network person (Mats unless changed)."""
    today = timezone.localdate()
    return services.register_consent(
        case,
        coordinator,
        method="written",
        purpose="Samverkan.",
        valid_from=today,
        valid_to=today + dt.timedelta(days=90),
        agencies=scope,
        categories=categories.InformationCategory.values,
        signed_form=signed_pdf(),
        signers=[("guardian", g) for g in case.youth.guardians.all()],
        youth_view="Okej.",
        network=[NetworkPerson(**{**MATS, **person})],
    )


@pytest.fixture
def consent_task(client, refer, coordinator):
    case = refer()
    accept_step(case, coordinator)
    task = steps.open_task(case, "obtain_consent")
    client.force_login(coordinator)
    return case, f"/case/{task.process_id}/obtain_consent/{task.pk}/execute/"


@pytest.fixture
def with_mats(refer, coordinator, scope):
    """An accepted case whose consent names Mats, the young person's uncle."""
    case = refer()
    accept_step(case, coordinator)
    steps.complete(case, "obtain_consent", coordinator, lambda: named(case, coordinator, scope))
    case.refresh_from_db()
    return case, case.network.get()


def plan(case, coordinator, scope, network, days_ahead=3):
    return services.plan_meeting(
        case,
        coordinator,
        kind="network",
        starts_at=timezone.now() + dt.timedelta(days=days_ahead),
        place="Skolan",
        agencies=scope,
        network=network,
    )


# --- the consent names them --------------------------------------------------------------------


def test_the_consent_step_names_network_persons(client, consent_task, agencies):
    case, url = consent_task
    page = client.get(url).content.decode()
    assert "Nya nätverkspersoner som samtycket omfattar" in page

    data = {**consent_post(case, [agencies["skola"].pk]), **network_rows(MATS)}
    assert client.post(url, data).status_code == 302

    (person,) = NetworkPerson.objects.all()
    assert (person.case, person.name, person.relation) == (case, MATS["name"], "morbror")
    assert list(Consent.objects.get().network_persons.all()) == [person]


def test_a_network_person_without_a_relation_is_refused_and_nothing_is_written(
    client, consent_task, agencies
):
    case, url = consent_task
    data = {**consent_post(case, [agencies["skola"].pk]), **network_rows({"name": "Mats"})}
    before = footprint(case)

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Ange personens relation till den unge." in response.content.decode()
    assert footprint(case) == before and not NetworkPerson.objects.exists()


def test_a_further_consent_names_a_person_named_before(client, with_mats, coordinator, agencies):
    case, mats = with_mats
    client.force_login(coordinator)
    url = f"/sspf/{case.number}/consent/new/"
    assert MATS["name"] in client.get(url).content.decode()
    data = consent_post(case, [agencies["polis"].pk], network_known=[mats.pk])
    data.pop("decision")

    assert client.post(url, data).status_code == 302

    assert list(case.consents.first().network_persons.all()) == [mats]
    assert NetworkPerson.objects.count() == 1


def test_the_case_page_shows_network_persons_their_contact_only_to_the_coordinator(
    client, with_mats, coordinator, users
):
    case, mats = with_mats
    mats.phone = "070-000 00 00"
    mats.save()
    client.force_login(coordinator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Mats Morbrorsson (morbror)" in page and "070-000 00 00" in page

    client.force_login(users["skola"])  # covered: the consent's names are common ground
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Mats Morbrorsson (morbror)" in page and "070-000 00 00" not in page

    client.force_login(users["polis"])  # not covered: no case page at all
    assert client.get(case.get_absolute_url()).status_code in (403, 404)


def test_the_registered_consent_form_names_the_network_persons(client, with_mats, coordinator):
    case, _mats = with_mats
    consent = case.consents.get()
    client.force_login(coordinator)
    response = client.get(f"/sspf/{case.number}/consent/{consent.pk}/form.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Personer i den unges nätverk som får delta" in text
    assert "Mats Morbrorsson (morbror)" in text


# --- meetings ----------------------------------------------------------------------------------


def test_the_meeting_form_offers_only_network_persons_a_valid_consent_names(with_mats):
    case, mats = with_mats
    NetworkPerson.objects.create(case=case, name="Tränaren Tor", relation="fotbollstränare")
    offered = list(PlanMeetingForm(case=case).fields["network"].queryset)
    assert offered == [mats]


def test_a_network_person_no_consent_names_is_refused_and_nothing_is_written(
    with_mats, coordinator, scope
):
    case, _mats = with_mats
    tor = NetworkPerson.objects.create(case=case, name="Tränaren Tor", relation="fotbollstränare")
    before = footprint(case)

    with pytest.raises(TransitionRefused) as refused:
        plan(case, coordinator, scope, [tor])

    assert [str(r) for r in refused.value.reasons] == [
        "Inget giltigt samtycke omfattar: Tränaren Tor (fotbollstränare). Ta bort dem från "
        "kallelsen eller registrera ett samtycke som omfattar dem."
    ]
    assert footprint(case) == before and not Outbox.objects.filter(kind="meeting_invitation")


def test_the_guard_refuses_a_person_whose_consent_is_withdrawn(with_mats, coordinator, scope):
    case, mats = with_mats
    today = timezone.localdate()
    assert plan_guards.consent_names_network_invitees(case, [mats], today) is None
    written_consent(case, coordinator, scope)  # the agencies stay covered
    services.withdraw_consent(case, coordinator, mats.consents.get(), reason="Ångrat")
    reason = plan_guards.consent_names_network_invitees(case, [mats], today)
    assert reason.field == "network" and "Mats Morbrorsson" in str(reason)


def test_an_invited_network_person_gets_the_invitation_with_a_calendar_entry_and_no_names(
    with_mats, coordinator, scope
):
    case, mats = with_mats
    Youth.objects.filter(pk=case.youth_id).update(personal_number="20121212-1212")
    Guardian.objects.filter(youth=case.youth).update(email="familj@exempel.invalid")

    meeting = steps.complete(
        case, "plan_meeting", coordinator, lambda: plan(case, coordinator, scope, [mats])
    )

    assert list(meeting.invited_network.all()) == [mats]
    row = Outbox.objects.get(kind="meeting_invitation", to=MATS["email"])
    for text in (row.subject, row.body_text, row.body_html, row.calendar):
        for secret in ("Lou", "Exempel", "1212-1212", "Mats", "morbror", "Vårdnadshavare"):
            assert secret not in text, (secret, text)
    assert "Du kallas till ett SSPF-möte" in row.body_text
    assert outbox.deliver(row.pk) is True
    ((_name, content, mimetype),) = mail.outbox[0].attachments
    assert mimetype.startswith("text/calendar") and "METHOD:REQUEST" in content
    attendee = Calendar.from_ical(content).walk("VEVENT")[0]["ATTENDEE"]
    assert str(attendee) == f"mailto:{MATS['email']}"


def test_a_move_and_a_cancellation_reach_the_network_person_in_the_same_calendar_entry(
    with_mats, coordinator, scope
):
    case, mats = with_mats
    meeting = steps.complete(
        case, "plan_meeting", coordinator, lambda: plan(case, coordinator, scope, [mats])
    )
    services.reschedule_meeting(
        case, coordinator, meeting, starts_at=meeting.starts_at + dt.timedelta(hours=2), place="X"
    )
    steps.close(case, coordinator, "other", "Flyttat.")

    def entry(kind):
        row = Outbox.objects.get(kind=kind, to=MATS["email"])
        calendar = Calendar.from_ical(row.calendar)
        event = calendar.walk("VEVENT")[0]
        return str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])

    invited, moved, cancelled = (
        entry("meeting_invitation"),
        entry("meeting_changed"),
        entry("meeting_cancelled"),
    )
    assert invited[1] == moved[1] == cancelled[1]
    assert invited[2] < moved[2] < cancelled[2]
    assert (moved[0], cancelled[0]) == ("REQUEST", "CANCEL")


def test_a_withdrawn_consent_takes_the_person_off_the_meeting_with_a_cancellation(
    with_mats, coordinator, scope
):
    case, mats = with_mats
    written_consent(case, coordinator, scope)  # the agencies stay covered
    meeting = steps.complete(
        case, "plan_meeting", coordinator, lambda: plan(case, coordinator, scope, [mats])
    )

    services.withdraw_consent(case, coordinator, mats.consents.get(), reason="Ångrat")

    meeting.refresh_from_db()
    assert meeting.status == "planned" and not meeting.invited_network.exists()
    row = Outbox.objects.get(kind="meeting_cancelled", to=MATS["email"])
    invitation = Outbox.objects.get(kind="meeting_invitation", to=MATS["email"])
    cancel, invite = (Calendar.from_ical(r.calendar).walk("VEVENT")[0] for r in (row, invitation))
    assert "METHOD:CANCEL" in row.calendar and cancel["UID"] == invite["UID"]
    assert int(cancel["SEQUENCE"]) > int(invite["SEQUENCE"])
    assert not Outbox.objects.filter(kind="meeting_cancelled").exclude(to=MATS["email"])


def test_a_network_person_without_an_email_is_invited_but_gets_no_mail(refer, coordinator, scope):
    case = refer()
    accept_step(case, coordinator)
    named(case, coordinator, scope, email="")
    meeting = plan(case, coordinator, scope, list(case.network.all()))
    assert meeting.invited_network.count() == 1
    assert not Outbox.objects.filter(to="").exists()


def test_the_meeting_records_which_network_persons_were_present(with_mats, coordinator, scope):
    case, mats = with_mats
    meeting = steps.complete(
        case, "plan_meeting", coordinator, lambda: plan(case, coordinator, scope, [mats])
    )
    record = meeting_record(scope, attended_agencies=[], youth_attended=False)
    record["guardians_attended"] = False
    services.hold_meeting(case, coordinator, meeting, attended_network=[mats], **record)
    assert list(meeting.attended_network.all()) == [mats]


def test_a_network_person_not_invited_cannot_be_recorded_present(with_mats, coordinator, scope):
    case, mats = with_mats
    meeting = steps.complete(
        case, "plan_meeting", coordinator, lambda: plan(case, coordinator, scope, [])
    )
    before = footprint(case)
    with pytest.raises(TransitionRefused) as refused:
        services.hold_meeting(
            case, coordinator, meeting, attended_network=[mats], **meeting_record(scope)
        )
    assert "Bara inbjudna nätverkspersoner kan vara närvarande." in [
        str(r) for r in refused.value.reasons
    ]
    assert footprint(case) == before and not meeting.attended_network.exists()


# --- actions -----------------------------------------------------------------------------------


def network_action(person):
    return {
        "text": "Följer med Lou till träningen varje tisdag.",
        "party": "network",
        "network_person": person,
        "due_date": timezone.localdate() + dt.timedelta(days=30),
        "goal": 0,
    }


def held_with(case, coordinator, scope, meeting, actions):
    return services.hold_meeting(
        case, coordinator, meeting, **meeting_record(scope, actions=actions)
    )


def test_a_covered_network_person_is_responsible_for_an_action(
    refer, coordinator, consent_for, scope
):
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
    named(case, coordinator, scope)
    mats = case.network.get()

    held_with(case, coordinator, scope, meeting, [network_action(mats)])

    action = Action.objects.get()
    assert action.responsible == "Mats Morbrorsson (morbror)"
    assert categories.action_category(action) == "social_services"


def test_the_plan_refuses_a_network_person_no_consent_names_and_writes_nothing(
    refer, coordinator, consent_for, scope
):
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
    tor = NetworkPerson.objects.create(case=case, name="Tränaren Tor", relation="fotbollstränare")
    before = footprint(case)

    with pytest.raises(TransitionRefused) as refused:
        held_with(case, coordinator, scope, meeting, [network_action(tor)])

    assert any(
        "Planen kan bara ange nätverkspersoner som ett giltigt samtycke omfattar" in str(r)
        and "Tränaren Tor" in str(r)
        for r in refused.value.reasons
    )
    assert footprint(case) == before


def test_an_action_for_a_network_person_needs_the_person_named():
    reason = plan_guards.action_complete("network", None, timezone.localdate())
    assert reason.field == "network_person" and str(reason) == "Ange vem som är ansvarig."
    assert plan_guards.responsible_named({"party": "network", "network_person": None}) is None


def test_the_action_form_offers_the_covered_network_persons(with_mats):
    case, mats = with_mats
    NetworkPerson.objects.create(case=case, name="Tränaren Tor", relation="fotbollstränare")
    form = ActionForm(case=case)
    assert list(form.fields["network_person"].queryset) == [mats]
    assert ("network", "Nätverksperson") in [
        (value, str(label)) for value, label in form.fields["party"].choices
    ]


def test_a_network_persons_action_is_seen_as_the_familys_not_by_police_only_consent(
    refer, coordinator, consent_for, scope
):
    case, meeting = walk_to_meeting_planned(refer, coordinator, consent_for, scope)
    named(case, coordinator, scope)
    held_with(case, coordinator, scope, meeting, [network_action(case.network.get())])
    action = Action.objects.get()
    police = categories.Sight(frozenset({"police"}), coordinates=False, agency_id=None)
    social = categories.Sight(frozenset({"social_services"}), coordinates=False, agency_id=None)
    assert (police.action(action), social.action(action)) == (False, True)


# --- the pages ---------------------------------------------------------------------------------


def test_the_coordinator_invites_hears_and_gives_an_action_to_a_network_person_on_the_pages(
    client, with_mats, coordinator, scope
):
    case, mats = with_mats
    client.force_login(coordinator)
    task = steps.open_task(case, "plan_meeting")
    url = f"/case/{task.process_id}/plan_meeting/{task.pk}/execute/"
    assert "Bjud in nätverkspersoner" in client.get(url).content.decode()
    starts = timezone.localtime() + dt.timedelta(days=3)
    form = {"kind": "network", "place": "Skolan", "agencies": [a.pk for a in scope]}
    form.update(starts_at=starts.strftime("%Y-%m-%d %H:%M"), network=[mats.pk])
    assert client.post(url, form).status_code == 302
    assert list(case.meetings.get().invited_network.all()) == [mats]

    task = steps.open_task(case, "hold_meeting")
    url = f"/case/{task.process_id}/hold_meeting/{task.pk}/execute/"
    page = client.get(url).content.decode()
    assert "Närvarande nätverkspersoner" in page and "Ansvarig nätverksperson" in page
    data = hold_meeting_post([a.pk for a in scope], scope[0], attended_network=[mats.pk])
    data.update({"action-0-party": "network", "action-0-network_person": mats.pk})
    data.pop("action-0-agency")
    assert client.post(url, data).status_code == 302

    assert list(case.meetings.get().attended_network.all()) == [mats]
    assert Action.objects.get().network_person == mats
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Mats Morbrorsson (morbror)" in page.split('data-testid="plan"')[1]
