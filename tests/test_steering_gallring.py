"""Issue 14, acceptance: a report for a past period is the same before and after gallring,
whether gallring de-identifies the cases or deletes them. The statistics are computed from the
de-identified facts kept per case, which gallring keeps (it builds them once more just before it
changes a case)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from casework.workflow import steps
from reporting.models import CaseFact
from sspf_flow import retention, services
from sspf_flow.models import Case, Consultation, RetentionRule, Youth
from tests.builders import case_in_progress, client_of

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REPORT = "/steering/report.csv?kind=year&year=2019"


def at(day):
    return dt.datetime.combine(day, dt.time(10), tzinfo=STOCKHOLM)


@pytest.fixture
def closed_in_2019(refer, coordinator, consent_for, agencies, users):
    """Five cases referred and closed in 2019 (three walked to a held meeting, two declined),
    and one consultation: enough that most figures show and some hide."""
    for month, age in ((2, 13), (3, 15), (9, 14)):
        with time_machine.travel(at(dt.date(2019, month, 4)), tick=True):
            case = case_in_progress(refer, coordinator, consent_for, agencies)
        Youth.objects.filter(cases=case).update(gender="pojke", grade=str(age - 6))
        with time_machine.travel(at(dt.date(2019, month + 2, 10)), tick=True):
            steps.close(case, coordinator, "low_risk", "Avslutat.")
    for month in (4, 10):
        with time_machine.travel(at(dt.date(2019, month, 1)), tick=True):
            case = refer(age=19)
            services.decline_referral(case, coordinator, "outside_target_group", "För gammal.")
    Consultation.objects.create(
        municipality=coordinator.membership.agency.municipality,
        asked_on=dt.date(2019, 5, 5),
        asking_agency=agencies["skola"],
        age_band="12_14",
        gender="flicka",
        concerns=["school_absence"],
        outcome="advice",
        not_sspf_reason="other",
        recorded_by=coordinator,
    )


def report(users):
    answer = client_of(users["styrgrupp"]).get(REPORT)
    assert answer.status_code == 200
    return answer.content.decode("utf-8-sig")


@pytest.mark.parametrize("action", ["deidentify", "purge"])
def test_the_report_of_a_past_year_is_the_same_after_gallring(
    closed_in_2019, users, municipality, action
):
    with time_machine.travel(at(dt.date(2020, 1, 10)), tick=False):
        before = report(users)
    assert "Nya aktualiseringar under perioden;5;" in before  # the cohort is counted
    RetentionRule.objects.create(
        municipality=municipality, record_type="case", years=5, action=action
    )
    for record_type in ("consultation", "access_log"):
        RetentionRule.objects.create(
            municipality=municipality, record_type=record_type, years=5, action="purge"
        )
    with time_machine.travel(at(dt.date(2026, 6, 1)), tick=False):
        retention.run(dt.date(2026, 6, 1))
        after = report(users)

    assert not Consultation.objects.exists()
    if action == "purge":
        assert not Case.objects.exists() and CaseFact.objects.filter(case=None).count() == 5
    else:
        assert Case.objects.filter(deidentified_at__isnull=False).count() == 5
        assert not Youth.objects.filter(first_name="Lou").exists()
    # the same figures, line by line (the report's own date of making is not in the CSV)
    assert after.splitlines() == before.splitlines()
