"""The register extract (GDPR art. 15, issue 14 item 7): a coordinator registers a young
person's request, prints everything stored about them and who accessed it as a PDF, and marks
it handed over; each step is in the access log. Nobody else reaches it."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader
from stdnum import luhn
from stdnum.se import personnummer

from reporting import extract, register
from reporting.models import RegisterRequest
from sspf_flow import records, services
from sspf_flow.models import AccessLog, Case, Guardian, Youth
from tests.builders import born_aged, case_in_progress, client_of

OTHER = ("Kim", "Annansson")


def pdf_text(response):
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    return re.sub(r"\s+([.,;:])", r"\1", text)


def contains(text, needle):
    """``needle`` is in the PDF's text, however the extraction broke or spaced it."""
    return re.sub(r"\s+", "", needle) in re.sub(r"\s+", "", text)


def number_for(youth, serial="238"):
    birth = youth.birth_date
    digits = f"{birth:%y%m%d}{serial}"
    number = f"{birth:%Y%m%d}-{serial}{luhn.calc_check_digit(digits)}"
    assert personnummer.is_valid(number)
    return number


def lou_case(refer, coordinator, consent_for, agencies, number=None):
    """A case in progress for Lou (consent, meeting, plan, follow-up booked); Lou gets the
    personal identity number ``number`` (made from the birth date if None)."""
    case = case_in_progress(refer, coordinator, consent_for, agencies)
    number = number or number_for(case.youth)
    Youth.objects.filter(pk=case.youth_id).update(personal_number=number)
    case.youth.refresh_from_db()
    return case


@pytest.fixture
def lou(refer, coordinator, consent_for, agencies):
    """Lou's case, with a confidential journal note, an ordinary one, an incident and a report
    of concern."""
    case = lou_case(refer, coordinator, consent_for, agencies)
    records.write_journal_note(case, coordinator, "Samtal med Lou om Hjortronmyren.")
    records.write_journal_note(
        case, coordinator, "Lou berättade om Tallbackahemligheten.", confidential_to_guardians=True
    )
    records.report_incident(
        case, coordinator, timezone.localdate(), "absence", "Skolkade från Granåsskolan."
    )
    records.record_concern_report(case, coordinator, timezone.localdate(), "Socialjouren Ugglan")
    return case


@pytest.fixture
def other_person(users):
    """Another young person of the municipality, with a case and a journal-worthy concern."""
    from casework.workflow.flows import CaseFlow
    from sspf_flow import services

    first, last = OTHER
    case = services.refer_case(
        users["skola"],
        Youth(first_name=first, last_name=last, gender="annat", birth_date=born_aged(15)),
        [Guardian(name="Vårdnadshavare Annan")],
        programme="sspf",
        referral_source="skola",
        concerns=["school_absence"],
        concern_text="Oron gäller Kråkbergsfrånvaron.",
    )
    CaseFlow.start_from_code.run(case=case)
    return case


def registered(client, case, **changes):
    data = {
        "number": case.youth.personal_number,
        "received_on": str(timezone.localdate()),
        "received_how": "letter",
        **changes,
    }
    return client.post("/register/", data)


def test_a_request_is_registered_by_personal_number_and_logged(client, coordinator, lou):
    client.force_login(coordinator)
    response = registered(client, lou)
    made = RegisterRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/register/{made.pk}/"
    assert (made.youth_id, made.received_how, made.registered_by) == (
        lou.youth_id,
        "letter",
        coordinator,
    )
    logged = AccessLog.objects.filter(what="registerutdrag: begäran registrerad")
    assert {row.case_id for row in logged} == {lou.pk, None}
    assert all(row.action == "change" and row.had_basis for row in logged)


def test_a_request_can_be_found_by_case_number(client, coordinator, lou):
    client.force_login(coordinator)
    registered(client, lou, number=lou.number)
    assert RegisterRequest.objects.get().youth_id == lou.youth_id


def test_an_unknown_number_or_a_future_date_is_refused_next_to_its_field(client, coordinator, lou):
    client.force_login(coordinator)
    response = registered(client, lou, number="20000101-0008")
    assert response.status_code == 200
    assert "Ingen ung person med det numret" in response.content.decode()
    tomorrow = str(timezone.localdate() + dt.timedelta(days=1))
    response = registered(client, lou, received_on=tomorrow)
    assert response.status_code == 200
    assert "efter i dag" in response.content.decode()
    assert not RegisterRequest.objects.exists()
    assert not AccessLog.objects.filter(what__startswith="registerutdrag").exists()


def test_the_pdf_holds_everything_about_the_person_and_nothing_of_another(
    client, coordinator, lou, other_person, refer, consent_for, agencies
):
    second = lou_case(refer, coordinator, consent_for, agencies, number=lou.youth.personal_number)
    client.force_login(coordinator)
    client.get(f"/sspf/{lou.number}/")  # a read, for the access log part
    client.get(f"/sspf/{other_person.number}/")
    registered(client, lou)
    made = RegisterRequest.objects.get()
    text = pdf_text(client.get(f"/register/{made.pk}/pdf/"))
    assert "Registerutdrag enligt artikel 15 dataskyddsförordningen" in text
    assert "Exempelkommun" in text and timezone.localdate().isoformat() in text
    assert "Lou Exempel" in text and lou.youth.personal_number in text
    assert "Vårdnadshavare Ett" in text
    assert lou.number in text and second.number in text  # both register entries' cases
    assert contains(text, "Hjortronmyren") and contains(text, "Tallbackahemligheten")
    assert contains(text, "Sekretess mot vårdnadshavarna (OSL 12:3): samordnaren granskar")
    assert "Samverkan i SSPF." in text and "Centralskolan" in text  # a consent's scope
    assert contains(text, "Skolkade från Granåsskolan") and "Socialjouren Ugglan" in text
    assert "Närvaro" in text and "Stöd" in text  # the plan's goal and action
    assert "Ökad frånvaro." in text  # the referral's concern
    assert "Vem som har tagit del av uppgifterna" in text
    case_page_read = AccessLog.objects.filter(case=lou, action="view").first().what
    assert contains(text, case_page_read) and "Anja" in text  # the case page's log row
    for secret in (*OTHER, other_person.number, "Kråkbergsfrånvaron", "Vårdnadshavare Annan"):
        assert not contains(text, secret), secret


def test_the_pdf_holds_the_case_history_with_a_reopenings_reason(client, coordinator, lou):
    """The case's history (who did what, when) is stored about the person too; a reopening's
    reason is kept only there."""
    services.close_case(lou, coordinator, "moved", "")
    services.reopen_case(Case.objects.get(pk=lou.pk), coordinator, "Ny oro kring Myrstigen.")
    client.force_login(coordinator)
    registered(client, lou)
    text = pdf_text(client.get(f"/register/{RegisterRequest.objects.get().pk}/pdf/"))
    assert "Ärendehistorik" in text
    assert contains(text, "Ärendet öppnat igen") and contains(text, "Ny oro kring Myrstigen.")
    assert contains(text, "Ärendet avslutat: Har flyttat")  # a closure's reason in words
    assert "moved" not in text


def test_each_print_is_logged_as_an_export_of_every_case_and_of_the_person(
    client, coordinator, lou
):
    client.force_login(coordinator)
    registered(client, lou)
    made = RegisterRequest.objects.get()
    client.get(f"/register/{made.pk}/pdf/")
    exports = AccessLog.objects.filter(what="registerutdrag (PDF)")
    assert sorted((row.case_id or 0, row.action) for row in exports) == [
        (0, "export"),
        (lou.pk, "export"),
    ]
    assert all(row.youth_id == lou.youth_id and row.had_basis for row in exports)
    made.refresh_from_db()
    assert made.printed_at is not None


def test_the_hand_over_is_recorded_shown_and_logged(client, coordinator, lou, manager):
    client.force_login(coordinator)
    registered(client, lou)
    made = RegisterRequest.objects.get()
    page = f"/register/{made.pk}/"
    refused = client.post(page, {"how": "post"})
    assert "Skriv ut registerutdraget" in refused.content.decode()  # print it first
    client.get(f"{page}pdf/")
    assert client.post(page, {"how": "post"}).status_code == 302
    made.refresh_from_db()
    assert (made.handed_over_how, made.handed_over_by) == ("post", coordinator)
    shown = client.get(page).content.decode()
    assert 'data-testid="register-handed-over"' in shown and "per post" in shown.lower()
    again = client.post(page, {"how": "in_person"}).content.decode()
    assert "redan lämnats ut" in again
    row = AccessLog.objects.get(what__startswith="registerutdrag utlämnat", case=lou)
    assert row.action == "export" and "per post" in row.what.lower()
    review = client_of(manager).get("/log/", {"case": lou.number}).content.decode()
    assert "registerutdrag utlämnat" in review


def test_the_request_page_says_what_to_review(client, coordinator, lou):
    client.force_login(coordinator)
    registered(client, lou)
    made = RegisterRequest.objects.get()
    page = client.get(f"/register/{made.pk}/").content.decode()
    assert "1 journalanteckning" in page or "En journalanteckning" in page
    assert lou.number in page
    rows = AccessLog.objects.filter(what="registerutdrag: begäran")
    assert {row.case_id for row in rows} == {lou.pk, None}


@pytest.mark.parametrize(
    "role", ["skola", "socialtjanst", "polis", "fritid", "trygghet", "styrgrupp", "admin"]
)
def test_nobody_but_the_coordinator_reaches_it(client, users, coordinator, lou, role, manager):
    client.force_login(coordinator)
    registered(client, lou)
    made = RegisterRequest.objects.get()
    client.force_login(users[role])
    for url in ("/register/", f"/register/{made.pk}/", f"/register/{made.pk}/pdf/"):
        assert client.get(url).status_code == 403, url
    assert registered(client, lou).status_code == 403
    assert client.post(f"/register/{made.pk}/", {"how": "post"}).status_code == 403
    assert RegisterRequest.objects.count() == 1


def test_another_municipalitys_coordinator_gets_404_and_cannot_find_the_person(
    client, coordinator, lou, foreign_coordinator
):
    client.force_login(coordinator)
    registered(client, lou)
    made = RegisterRequest.objects.get()
    client.force_login(foreign_coordinator)
    for url in (f"/register/{made.pk}/", f"/register/{made.pk}/pdf/"):
        assert client.get(url).status_code == 404, url
    listed = client.get("/register/").content.decode()
    assert "Exempel" not in listed
    response = registered(client, lou)
    assert response.status_code == 200 and "Ingen ung person" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    assert client.get("/register/")["Location"].startswith("/accounts/login/")


def queries_of(function):
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_gathering_costs_the_same_queries_for_one_case_and_for_several(
    coordinator, refer, consent_for, agencies
):
    one = lou_case(refer, coordinator, consent_for, agencies)
    records.write_journal_note(one, coordinator, "En anteckning.")
    first = list(register.people_of(one.youth).values_list("pk", flat=True))
    single = queries_of(lambda: extract.gather(first))

    number = number_for(one.youth, "462")
    two = [lou_case(refer, coordinator, consent_for, agencies, number=number) for _ in range(3)]
    for case in two:
        records.write_journal_note(case, coordinator, "En anteckning.")
    people = list(register.people_of(two[0].youth).values_list("pk", flat=True))
    assert len(people) == 3
    several = queries_of(lambda: extract.gather(people))
    assert single == several, (single, several)
    assert len(extract.gather(people).cases) == 3


def test_the_pages_cost_the_same_queries_for_one_case_and_for_several(
    client, coordinator, refer, consent_for, agencies
):
    client.force_login(coordinator)
    one = lou_case(refer, coordinator, consent_for, agencies)
    registered(client, one)
    first = RegisterRequest.objects.get()
    number = number_for(one.youth, "462")
    many = [lou_case(refer, coordinator, consent_for, agencies, number=number) for _ in range(3)]
    registered(client, many[0])
    second = RegisterRequest.objects.latest("pk")
    client.get(f"/register/{first.pk}/pdf/")  # both printed once, so that both logs have rows
    client.get(f"/register/{second.pk}/pdf/")
    client.get(f"/register/{first.pk}/")  # the menu's overdue count is cached after a page
    counts = {}
    for url in ("/register/{}/", "/register/{}/pdf/"):
        counts[url] = [
            queries_of(lambda u=url, r=r: client.get(u.format(r.pk))) for r in (first, second)
        ]
    # one case, and three register entries of one person with a case each
    assert counts == {"/register/{}/": [10, 10], "/register/{}/pdf/": [49, 49]}, counts
