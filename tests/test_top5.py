"""Issue 13 (5): Top 5 (seed 001, Bilaga 1). The police and social services of the operative
group record their selection meetings every eighth week (the ladder reminds them, once, with
no names), keep a list of at most five persons (a sixth is refused, with the limit named) with
the reason and the legal ground of each (a consent must be the person's case's, covering both
agencies), keep each person's measures and take people off the list with a coded reason. Only
they see the list (school and leisure members get 403 and no name; every read is logged per
person). The four-month evaluation names no one and is also for the coordinator and the
steering group; its PDF is logged as an export."""

import datetime as dt
import html

import pytest
import time_machine
from django.utils import timezone

from operative import top5
from operative.models import Top5Entry, Top5Measure, Top5Selection
from sspf_flow.models import AccessLog, Consent, Youth
from sspf_flow.refusals import TransitionRefused
from tests.builders import IDENTITY_NUMBER, client_of
from tests.footprint import FROZEN, TODAY
from tests.programme_builders import TOP5_REASON, top5_group, top5_on_the_list, top5_person

NAME = "Tindra"  # the first person on the list (fictional)
SURNAME = "Kvarnström"
REASON = TOP5_REASON


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def group(users, agencies):
    return top5_group(users, agencies)


@pytest.fixture
def selection(group, users):
    return top5.record_selection(group, users["polis"], held_on=TODAY - dt.timedelta(days=7))


def put_on(group, users, selection, first=NAME, last=SURNAME, **more):
    return top5_on_the_list(group, users["polis"], selection, first, last, **more)


@pytest.fixture
def entry(group, users, selection):
    return put_on(group, users, selection)


def refused(call):
    with pytest.raises(TransitionRefused) as caught:
        call()
    return " ".join(map(str, caught.value.reasons))


def add_post(selection, **more):
    return {
        "person-first_name": "Ebbe",
        "person-last_name": "Grönqvist",
        "person-personal_number": "",
        "person-birth_date": "2008-05-01",
        "person-gender": "pojke",
        "selection": selection.pk,
        "reason": "Driver gruppen vid torget.",
        "legal_ground": "osl_10_18a",
        "other_ground": "",
        "case_number": "",
        **more,
    }


# --- the list through the pages ---------------------------------------------------------------


def test_the_police_record_a_selection_and_put_a_person_on_the_list(group, users):
    client = client_of(users["polis"])
    url = f"/operative/{group.pk}/top5/"
    assert "Inget urvalsmöte är registrerat än." in client.get(url).content.decode()
    answer = client.post(f"{url}selection/", {"held_on": TODAY.isoformat(), "note": "Första."})
    assert answer.status_code == 302, answer.content.decode()
    selection = Top5Selection.objects.get()
    answer = client.post(f"{url}add/", add_post(selection))
    assert answer.status_code == 302, answer.content.decode()
    entry = Top5Entry.objects.get()
    assert (entry.youth.first_name, entry.legal_ground, entry.added_by) == (
        "Ebbe",
        "osl_10_18a",
        users["polis"],
    )
    page = client.get(url).content.decode()
    assert "Ebbe Grönqvist" in page and "Driver gruppen vid torget." in page
    assert "OSL 10 kap. 18 a §" in page
    assert "Nästa urvalsmöte ska hållas senast 2025-05-05" in page


def test_a_sixth_person_is_refused_on_the_page_and_nothing_is_written(group, users, selection):
    for number in range(5):
        put_on(group, users, selection, first=f"Person{number}")
    youths = Youth.objects.count()
    answer = client_of(users["socialtjanst"]).post(
        f"/operative/{group.pk}/top5/add/", add_post(selection)
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "Top 5-listan har redan 5 personer, så många den rymmer åt gången" in page
    assert Top5Entry.objects.count() == 5 and Youth.objects.count() == youths
    # taken off, there is room again
    first = Top5Entry.objects.first()
    top5.end_entry(first, users["polis"], ended_on=TODAY, end_reason="care")
    put_on(group, users, selection, first="Sjätte")
    assert Top5Entry.objects.filter(ended_on__isnull=True).count() == 5


def test_the_list_is_invisible_to_the_school_and_leisure_members(group, users, entry):
    measure = top5.add_measure(
        entry,
        users["socialtjanst"],
        agency=users["socialtjanst"].membership.agency,
        what="Utredning",
        started_on=TODAY,
        status="open",
    )
    urls = [
        f"/operative/{group.pk}/top5/",
        f"/operative/{group.pk}/top5/add/",
        f"/operative/{group.pk}/top5/selection/",
        f"/operative/top5/{entry.pk}/",
        f"/operative/top5/{entry.pk}/end/",
        f"/operative/top5/{entry.pk}/measures/new/",
        f"/operative/top5/measures/{measure.pk}/",
        f"/operative/{group.pk}/top5/evaluation/",
    ]
    for key in ("skola", "fritid"):
        client = client_of(users[key])
        for url in urls:
            answer = client.get(url)
            assert answer.status_code == 403, (key, url)
            assert NAME not in answer.content.decode() and SURNAME not in answer.content.decode()
        group_page = client.get(f"/operative/{group.pk}/").content.decode()
        assert "Top 5" not in group_page
    assert "Top 5" in client_of(users["polis"]).get(f"/operative/{group.pk}/").content.decode()
    # no read of the person is logged; the refused attempts at their pages are (issue 15)
    rows = AccessLog.objects.filter(youth=entry.youth)
    assert not rows.exclude(action="refused").exists()
    assert {(row.user.username, row.had_basis) for row in rows} == {
        ("sara", False),
        ("frida", False),
    }


@pytest.mark.parametrize(
    ("who", "list_status", "evaluation_status"),
    [
        ("polis", 200, 200),
        ("socialtjanst", 200, 200),
        ("samordnare", 403, 200),
        ("styrgrupp", 403, 200),
        ("skola", 403, 403),
        ("fritid", 403, 403),
        ("trygghet", 403, 403),
        ("admin", 403, 403),
    ],
)
def test_who_reads_the_list_and_the_evaluation(
    group, users, entry, who, list_status, evaluation_status
):
    client = client_of(users[who])
    answer = client.get(f"/operative/{group.pk}/top5/")
    assert answer.status_code == list_status
    assert (NAME in answer.content.decode()) == (list_status == 200)
    entry_page = client.get(f"/operative/top5/{entry.pk}/")
    assert entry_page.status_code == list_status
    evaluation = client.get(f"/operative/{group.pk}/top5/evaluation/")
    assert evaluation.status_code == evaluation_status
    assert NAME not in evaluation.content.decode() and SURNAME not in evaluation.content.decode()


def test_a_visitor_is_asked_to_log_in(client, group, entry):
    answer = client.get(f"/operative/{group.pk}/top5/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_each_read_of_the_list_is_logged_per_person(group, users, selection, entry):
    other = put_on(group, users, selection, first="Ville", last="Hägg")
    top5.end_entry(other, users["polis"], ended_on=TODAY, end_reason="moved")
    client_of(users["polis"]).get(f"/operative/{group.pk}/top5/")
    rows = AccessLog.objects.filter(user=users["polis"])
    assert sorted(rows.values_list("youth_id", flat=True)) == sorted(
        [entry.youth_id, other.youth_id]
    )
    assert all(row.case_id is None for row in rows)
    client_of(users["socialtjanst"]).get(f"/operative/top5/{entry.pk}/")
    assert AccessLog.objects.filter(user=users["socialtjanst"], youth=entry.youth).count() == 1
    # the evaluation names no one: it is no read of people
    client_of(users["samordnare"]).get(f"/operative/{group.pk}/top5/evaluation/")
    assert not AccessLog.objects.filter(user=users["samordnare"]).exists()


@pytest.mark.parametrize("count", [1, 5])
def test_the_list_page_keeps_its_queries_constant(
    group, users, selection, count, django_assert_num_queries
):
    for number in range(count):
        entry = put_on(group, users, selection, first=f"Person{number}")
        top5.add_measure(
            entry,
            users["polis"],
            agency=users["polis"].membership.agency,
            what="Samtal",
            started_on=TODAY,
            status="open",
        )
    client = client_of(users["polis"])
    client.get(f"/operative/{group.pk}/top5/")  # the session is warm
    with django_assert_num_queries(8):
        answer = client.get(f"/operative/{group.pk}/top5/")
    assert answer.content.decode().count("Person") >= count


# --- the rules --------------------------------------------------------------------------------


def test_a_sixth_is_refused_by_the_service(group, users, selection):
    for number in range(5):
        put_on(group, users, selection, first=f"Person{number}")
    said = refused(lambda: put_on(group, users, selection, first="Sjätte"))
    assert "redan 5 personer" in said
    assert Top5Entry.objects.count() == 5


def test_a_person_is_on_the_list_once(group, users, selection, entry):
    said = refused(
        lambda: top5.add_entry(
            group,
            users["polis"],
            entry.youth,
            selection=selection,
            reason=REASON,
            legal_ground="osl_10_18a",
        )
    )
    assert "Personen finns redan på listan." in said


def test_only_police_and_social_services_keep_the_list(group, users, selection):
    said = refused(lambda: top5.record_selection(group, users["skola"], held_on=TODAY))
    assert "Bara gruppens ledamöter från polisen och socialtjänsten" in said
    youth = top5_person(group, NAME, SURNAME)
    said = refused(
        lambda: top5.add_entry(
            group,
            users["skola"],
            youth,
            selection=selection,
            reason=REASON,
            legal_ground="osl_10_18a",
        )
    )
    assert "Bara gruppens ledamöter från polisen och socialtjänsten" in said
    assert not Top5Entry.objects.exists()


def test_a_selection_meeting_is_recorded_once_held(group, users):
    said = refused(
        lambda: top5.record_selection(group, users["polis"], held_on=TODAY + dt.timedelta(days=1))
    )
    assert "Välj en dag som har kommit" in said
    assert not Top5Selection.objects.exists()


def test_another_ground_is_named(group, users, selection):
    said = refused(lambda: put_on(group, users, selection, legal_ground="other"))
    assert "Ange den rättsliga grunden." in said
    named = put_on(group, users, selection, legal_ground="other", other_ground="LVU 11 §")
    assert named.ground_label == "LVU 11 §"


def test_no_identity_number_in_the_reason(group, users, selection):
    said = refused(lambda: put_on(group, users, selection, reason=f"Samma som {IDENTITY_NUMBER}."))
    assert "Skriv inga personnummer här." in said


NO_CONSENT_CASE = (
    "Inget ärende med det numret om den här personen har ett samtycke som gäller i dag och "
    "omfattar både polisen och socialtjänsten"
)


def test_consent_must_be_the_cases_and_cover_both_agencies(
    group, users, agencies, selection, refer
):
    case = refer(age=16)
    youth = case.youth
    consent = {"case": case, "legal_ground": "consent", "selection": selection}

    def add(**more):
        return top5.add_entry(group, users["polis"], youth, reason=REASON, **{**consent, **more})

    assert "Ange numret på personens SSPF-ärende" in refused(lambda: add(case=None))
    today = timezone.localdate()
    Consent.objects.write(
        [agencies["skola"], agencies["socialtjanst"]],
        [],
        case=case,
        method="oral",
        purpose="Samverkan.",
        valid_from=today,
        valid_to=today + dt.timedelta(days=90),
        registered_by=users["samordnare"],
        registered_at=timezone.now(),
    )
    assert NO_CONSENT_CASE in refused(add)
    other = top5_person(group, "Annan", "Person")
    said = refused(lambda: top5.add_entry(group, users["polis"], other, reason=REASON, **consent))
    assert NO_CONSENT_CASE in said  # another person's case: said as if there were none
    Consent.objects.write(
        [agencies["polis"], agencies["socialtjanst"]],
        [],
        case=case,
        method="oral",
        purpose="Top 5.",
        valid_from=today,
        valid_to=today + dt.timedelta(days=90),
        registered_by=users["samordnare"],
        registered_at=timezone.now(),
    )
    entry = add()
    assert entry.case == case
    # through the page: an unknown case number is said at its field, in the same words (the
    # list's keepers learn nothing of which case numbers exist)
    answer = client_of(users["polis"]).post(
        f"/operative/{group.pk}/top5/add/",
        add_post(selection, legal_ground="consent", case_number="SSPF-9999-0001"),
    )
    assert NO_CONSENT_CASE in html.unescape(answer.content.decode())


def test_taking_off_the_list_with_a_reason(group, users, entry):
    url = f"/operative/top5/{entry.pk}/end/"
    client = client_of(users["socialtjanst"])
    answer = client.post(url, {"ended_on": (TODAY + dt.timedelta(days=1)).isoformat()})
    page = answer.content.decode()
    assert "Välj en dag som har kommit." in page and "Detta fält måste fyllas i." in page
    answer = client.post(url, {"ended_on": TODAY.isoformat(), "end_reason": "prosecuted"})
    assert answer.status_code == 302
    entry.refresh_from_db()
    assert (entry.ended_on, entry.end_reason, entry.ended_by) == (
        TODAY,
        "prosecuted",
        users["socialtjanst"],
    )
    page = client.get(f"/operative/{entry.group_id}/top5/").content.decode()
    assert "Tidigare på listan" in page and "Åtalad eller dömd" in page
    assert "Personen togs redan bort från listan." in refused(
        lambda: top5.end_entry(entry, users["polis"], ended_on=TODAY, end_reason="moved")
    )


def test_measures_are_added_and_kept(group, users, agencies, entry):
    client = client_of(users["polis"])
    url = f"/operative/top5/{entry.pk}/measures/new/"
    post = {
        "agency": agencies["polis"].pk,
        "what": "Kontaktsamtal varannan vecka",
        "started_on": TODAY.isoformat(),
        "status": "not_done",
        "comment": "",
    }
    page = client.post(url, post).content.decode()
    assert "Skriv i kommentaren varför det inte blev gjort." in page
    assert client.post(url, {**post, "status": "ongoing"}).status_code == 302
    measure = Top5Measure.objects.get()
    answer = client_of(users["socialtjanst"]).post(
        f"/operative/top5/measures/{measure.pk}/", {"status": "done", "comment": "Klart."}
    )
    assert answer.status_code == 302
    measure.refresh_from_db()
    assert (measure.status, measure.updated_by) == ("done", users["socialtjanst"])
    page = client.get(f"/operative/top5/{entry.pk}/").content.decode()
    assert "Kontaktsamtal varannan vecka" in page and "Klart" in page
