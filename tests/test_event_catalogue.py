"""One catalogue of case events: every code has a Swedish label, record_event refuses a code
outside it, every code the services record is in it, and the case history shows each event by
its label, never by its code."""

import ast
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from casework.workflow.flows import CaseFlow
from sspf_flow import events
from sspf_flow.events import EventCode, record_event
from sspf_flow.models import Case, CaseEvent, Consultation
from tests.builders import referral_post

ROOT = Path(__file__).resolve().parent.parent
APPS = ["sspf_flow", "forms", "notifications", "casework"]


def test_every_code_has_a_swedish_label():
    for code in EventCode:
        with translation.override("en"):
            english = str(code.label)
        with translation.override("sv"):
            swedish = str(code.label)
        assert english and english != code.value
        assert swedish != english, f"{code.value} has no Swedish label"


def test_record_event_refuses_a_code_outside_the_catalogue(refer, coordinator):
    case = refer()
    before = CaseEvent.objects.count()
    with pytest.raises(ValueError, match="not in the catalogue"):
        record_event(case, coordinator, "case.misspelt")
    assert CaseEvent.objects.count() == before


def _recorded_codes():
    """Each code argument of every record_event(...) call in the apps, as written."""
    found = []
    for path in sorted(p for app in APPS for p in (ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record_event":
                found.append((path.relative_to(ROOT), node.lineno, node.args[2]))
    return found


def test_every_code_a_service_records_is_named_from_the_catalogue():
    calls = _recorded_codes()
    assert len(calls) >= len(EventCode) - 2  # the services, the records and the meetings
    for path, line, code in calls:
        if isinstance(code, ast.Attribute):
            assert code.value.id == "EventCode", f"{path}:{line}"
            assert code.attr in EventCode.__members__, f"{path}:{line}: {code.attr}"
        else:  # a variable, set from the catalogue just above (closing or declining)
            assert isinstance(code, ast.Name), f"{path}:{line} records a bare code"


def test_every_code_in_the_catalogue_is_recorded_somewhere():
    named = {code.attr for _p, _l, code in _recorded_codes() if isinstance(code, ast.Attribute)}
    source = (ROOT / "sspf_flow" / "services.py").read_text(encoding="utf-8")
    named |= {name for name in EventCode.__members__ if f"EventCode.{name}" in source}
    assert named == set(EventCode.__members__)


@pytest.mark.django_db
def test_every_event_the_demo_records_is_in_the_catalogue(settings):
    settings.SSPF_DEMO = True
    call_command("load_demo", verbosity=0)
    recorded = set(CaseEvent.objects.values_list("action", flat=True))
    assert recorded <= set(EventCode.values)
    # the demo walks cases from a consultation to a declined, a closed and a followed-up case
    assert {"consultation.referred", "case.declined", "case.closed", "meeting.held"} <= recorded


def test_the_history_shows_a_consultation_turned_into_a_referral_by_its_label(
    client, coordinator, agencies
):
    client.force_login(coordinator)
    client.post(
        "/sspf/consultations/new/",
        {
            "asked_on": "2026-01-05",
            "asking_agency": agencies["skola"].pk,
            "age_band": "12_14",
            "gender": "annat",
            "concerns": ["school_absence"],
            "outcome": "advice",
            "not_sspf_reason": "other",
        },
    )
    consultation = Consultation.objects.get()
    client.post(
        CaseFlow.start.reverse("execute"), {**referral_post(), "consultation": consultation.pk}
    )
    case = Case.objects.get()
    assert set(case.events.values_list("action", flat=True)) == {
        "case.referred",
        "consultation.referred",
    }

    page = client.get(f"/sspf/{case.number}/history/").content.decode()

    history = page[page.index('data-testid="history"') :].split("</section>")[0]
    assert "Aktualisering gjord från en konsultation" in history
    assert "Aktualisering registrerad" in history
    assert not [code for code in EventCode.values if code in history]


def test_the_catalogue_is_the_one_home_of_the_codes():
    """No app spells an event code as a string outside the catalogue."""
    codes = set(EventCode.values)
    for path in sorted(p for app in APPS for p in (ROOT / app).rglob("*.py")):
        if "migrations" in path.parts or path == Path(events.__file__):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in codes:
                pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno} spells {node.value!r}")
