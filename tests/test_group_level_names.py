"""Issue 13 (2): a group-level item names the young people of the group where a consent covers
them, by their cases. Its writer names only cases of the municipality a consent active today
covers their agency for (the coordinator: any active consent), and an unknown number is refused
with the same words as an uncovered one. Each reader sees the names of the named cases they may
read — the coordinator all, an agency those its consent covers, and a reader covered for none
sees no names and no count — on the page and in the PDF, each case shown logged once."""

import datetime as dt
import io

import pytest
import time_machine
from pypdf import PdfReader

from operative import services
from operative.models import GroupItem, GroupMember
from sspf_flow.models import AccessLog, ConsentAgency, Youth
from sspf_flow.refusals import TransitionRefused
from tests.builders import accept_step, client_of, group_with_series
from tests.footprint import FROZEN

ITEM = {
    "description": "Tre unga som hänger vid torget",
    "area": "Norr",
    "seen": "Snatteri i butikerna kring torget.",
    "measures": "Fältassistenter fredag kväll.",
}
REFUSED = "Du kan inte namnge"
COVERED_ONLY = "namnge bara ärenden i kommunen vars samtycke omfattar din verksamhet i dag."


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def meeting(users, agencies):
    group = group_with_series(users, agencies)  # in 3 days at 9; Per of the police is secretary
    return group.meetings.order_by("starts_at").first()


def named_case(refer, coordinator, consent_for, agencies, first, last):
    case = refer()
    accept_step(case, coordinator)
    consent_for(case, agencies)
    Youth.objects.filter(pk=case.youth_id).update(first_name=first, last_name=last)
    case.refresh_from_db()
    return case


@pytest.fixture
def two_cases(refer, coordinator, consent_for, agencies):
    """Case A's consent covers the school and the police, case B's social services and the
    police: the police (who write the item) may name both, the school only A, social services
    only B."""
    police = agencies["polis"]
    a = named_case(refer, coordinator, consent_for, [agencies["skola"], police], "Alva", "Norrby")
    b = named_case(
        refer, coordinator, consent_for, [agencies["socialtjanst"], police], "Bo", "Söderby"
    )
    return a, b


@pytest.fixture
def item(meeting, users, two_cases):
    a, b = two_cases
    return services.add_group_item(meeting, users["polis"], named=[a.number, b.number], **ITEM)


def agenda_of(user, meeting):
    return client_of(user).get(f"/operative/meetings/{meeting.pk}/agenda/").content.decode()


def logged(case, what="operativ dagordning"):
    return AccessLog.objects.filter(case=case, what=what).count()


# --- reading: each reader sees the names of the cases they may read ---------------------------


def test_each_member_sees_only_the_name_their_agencys_consent_covers(item, meeting, users):
    a, b = item.cases.order_by("number")
    school, social = agenda_of(users["skola"], meeting), agenda_of(users["socialtjanst"], meeting)
    assert "Namngivna" in school and "Alva Norrby" in school and "Bo Söderby" not in school
    assert "Namngivna" in social and "Bo Söderby" in social and "Alva Norrby" not in social


def test_the_writer_covered_for_both_and_the_coordinator_see_both_names(
    item, meeting, users, coordinator
):
    for reader in (users["polis"], coordinator):
        page = agenda_of(reader, meeting)
        assert "Alva Norrby" in page and "Bo Söderby" in page, reader


def test_a_reader_covered_for_none_sees_no_name_and_no_count(
    item, meeting, users, agencies, coordinator, two_cases
):
    ConsentAgency.objects.filter(  # the police's consent is withdrawn on both (as written)
        consent__case__in=two_cases, agency=agencies["polis"]
    ).update(withdrawn_at=FROZEN)
    page = agenda_of(users["polis"], meeting)
    assert ITEM["description"] in page
    assert "Namngivna" not in page and "Norrby" not in page and "Söderby" not in page
    assert 'data-testid="group-item-named"' not in page


def test_every_name_shown_is_logged_once_per_request_with_the_individual_level(
    item, meeting, users, two_cases
):
    a, b = two_cases  # both referred today: also on the individual level
    agenda_of(users["skola"], meeting)
    assert (logged(a), logged(b)) == (1, 0)
    agenda_of(users["polis"], meeting)
    assert (logged(a), logged(b)) == (2, 1)


def test_a_name_only_on_the_group_level_is_logged(
    meeting, users, refer, coordinator, consent_for, agencies
):
    with time_machine.travel(FROZEN - dt.timedelta(days=60), tick=False):
        old = refer()  # referred long before the last meeting: not on the individual level
        accept_step(old, coordinator)
    consent_for(old, [agencies["skola"]])
    services.add_group_item(meeting, users["skola"], named=[old.number], **ITEM)
    page = agenda_of(users["skola"], meeting)
    assert 'data-testid="agenda-case"' not in page and str(old.youth) in page
    assert logged(old) == 1


def test_the_pdf_names_likewise_and_is_logged(item, meeting, users, two_cases):
    a, b = two_cases
    answer = client_of(users["skola"]).get(f"/operative/meetings/{meeting.pk}/agenda/pdf/")
    assert answer["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(answer.content)).pages)
    assert "Alva Norrby" in text and "Söderby" not in text
    pdf = "operativ dagordning (PDF)"
    assert (logged(a, pdf), logged(b, pdf)) == (1, 0)


# --- writing: only cases a consent covers the writer's agency for ----------------------------


def test_a_member_names_a_covered_case_by_its_number(meeting, users, two_cases):
    a, _b = two_cases
    client = client_of(users["skola"])
    data = {**ITEM, "named": f" {a.number.lower()}, "}
    answer = client.post(f"/operative/meetings/{meeting.pk}/group-level/", data)
    assert answer.status_code == 302
    assert list(GroupItem.objects.get().cases.all()) == [a]


def test_an_uncovered_and_an_unknown_number_get_the_same_words_and_nothing_is_written(
    meeting, users, two_cases
):
    _a, b = two_cases  # the school is not covered on case B
    client = client_of(users["skola"])
    url = f"/operative/meetings/{meeting.pk}/group-level/"
    pages = {
        number: client.post(url, {**ITEM, "named": number}).content.decode()
        for number in (b.number, "SSPF-2099-9999")
    }
    for number, page in pages.items():
        assert f"{REFUSED} {number} här: {COVERED_ONLY}" in page, number
        assert f'value="{number}"' in page and ITEM["seen"] in page  # the input is kept
    assert not GroupItem.objects.exists()


def test_the_door_refuses_an_uncovered_number_and_writes_nothing(meeting, users, two_cases):
    a, b = two_cases
    with pytest.raises(TransitionRefused) as refused:
        services.add_group_item(meeting, users["socialtjanst"], named=[a.number], **ITEM)
    assert a.number in str(refused.value)
    assert not GroupItem.objects.exists()


def test_a_coordinator_in_the_group_names_any_case_with_an_active_consent(
    meeting, users, coordinator, refer, two_cases
):
    GroupMember.objects.create(group=meeting.group, user=coordinator)
    without = refer()  # no consent yet
    accept_step(without, coordinator)
    named = [case.number for case in two_cases]
    item = services.add_group_item(meeting, coordinator, named=named, **ITEM)
    assert item.cases.count() == 2
    with pytest.raises(TransitionRefused):
        services.add_group_item(meeting, coordinator, named=[without.number], **ITEM)
