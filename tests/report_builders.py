"""Builders of the steering report's tests (issue 14): fictional young people walked through the
real services on chosen days (frozen time), and the report's tables read back from the page as
a steering-group member reads them. The people and users come from ``conftest``/``builders``."""

import datetime as dt
import html.parser
from zoneinfo import ZoneInfo

import time_machine
from stdnum import luhn

from sspf_flow import services
from sspf_flow.models import INDICATORS, Action, Consultation, Guardian, Intervention, Youth
from sspf_flow.models.outcome import OutcomeReading
from tests.builders import ALL_CATEGORIES, assessed, signed_pdf

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# the agencies a consent in the cohort covers (every action names one of them)
CONSENTED = ("skola", "socialtjanst", "polis", "fritid")


def at(day, hour=12):
    """Noon (or ``hour``) in Stockholm on ``day``: far from midnight, so the day is the day."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=STOCKHOLM)


def on(day, hour=12):
    """Frozen time on ``day``."""
    return time_machine.travel(at(day, hour), tick=False)


def personnummer(birth, serial):
    """A checksum-valid fictional personal identity number for ``birth``."""
    digits = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}-{serial:03d}{luhn.calc_check_digit(digits)}"


class Walk:
    """One municipality's young people walked through the services, each step on its day. Every
    free text written is kept in ``secrets`` (with the names, identity numbers and case numbers),
    so that a test can show that none of it reaches the statistics."""

    def __init__(self, users, agencies):
        self.users, self.agencies = users, agencies
        self.coordinator = users["samordnare"]
        self.municipality = agencies["skola"].municipality
        self.secrets = []
        self.count = 0

    def _secret(self, text):
        if text:
            self.secrets.append(text)
        return text

    def intervention(self, name):
        found, _new = Intervention.objects.get_or_create(municipality=self.municipality, name=name)
        return found

    def refer(self, day, *, source, gender, age, grade, concerns, by="skola"):
        self.count += 1
        n = self.count
        birth = dt.date(day.year - age, day.month, min(day.day, 28)) - dt.timedelta(days=60)
        youth = Youth(
            first_name=self._secret(f"Zorrbert{n:02d}"),
            last_name=self._secret(f"Qvistenhjelm{n:02d}"),
            personal_number=self._secret(personnummer(birth, 100 + n)),
            birth_date=birth,
            gender=gender,
            grade=grade,
        )
        guardians = [Guardian(name=self._secret(f"Vårdnadshavare Xyloform{n:02d}"))]
        with on(day):
            case = services.refer_case(
                self.users[by],
                youth,
                guardians,
                programme="sspf",
                referral_source=source,
                concerns=concerns,
                concern_text=self._secret(f"Hemlig orostext nummer {n} om Zorrbert."),
            )
        self.secrets.append(case.number)
        return case

    def accept(self, case, day, risk, why_outside=""):
        with on(day):
            services.accept_referral(
                case, self.coordinator, assessed(risk), self._secret(why_outside)
            )

    def decline(self, case, day, reason):
        with on(day):
            services.decline_referral(
                case, self.coordinator, reason, self._secret("Avböjd hemligt.")
            )

    def consent(self, case, day):
        with on(day):
            signers = [("guardian", g) for g in case.youth.guardians.all()]
            if case.youth.age_on(day) >= 15:
                signers.append(("youth", None))
            return services.register_consent(
                case,
                self.coordinator,
                method="written",
                purpose=self._secret(f"Hemligt syfte {case.pk}."),
                valid_from=day,
                valid_to=day + dt.timedelta(days=400),
                agencies=[self.agencies[key] for key in CONSENTED],
                categories=ALL_CATEGORIES,
                signed_form=signed_pdf(),
                signers=signers,
                youth_view=self._secret(f"Ungdomens hemliga syn {case.pk}."),
            )

    def plan(self, case, day, kind, held_day):
        with on(day):
            return services.plan_meeting(
                case,
                self.coordinator,
                kind=kind,
                starts_at=at(held_day, 10),
                place="Skolan",
                agencies=[self.agencies[key] for key in CONSENTED],
            )

    def hold(self, case, meeting, day, actions, carried=(), closing=None):
        """Hold ``meeting`` on ``day`` with new ``actions``: (party or agency key, intervention
        name or None) each; ``carried``: actions of the plan in force continued as they are."""
        rows = [self._action(case, party) for party, _name in actions]
        rows += [
            {"text": a.text, "party": a.party, "agency": a.agency, "due_date": a.due_date,
             "carried_from": a}
            for a in carried
        ]  # fmt: skip
        with on(day):
            plan = services.hold_meeting(
                case,
                self.coordinator,
                meeting,
                attended_agencies=[self.agencies[key] for key in CONSENTED],
                youth_attended=True,
                guardians_attended=True,
                protocol=self._secret(f"Hemligt protokoll {case.pk}."),
                goals=[{"text": self._secret(f"Hemligt mål {case.pk}.")}],
                actions=rows,
                next_follow_up=None if closing else day + dt.timedelta(days=42),
                closing=closing,
            )
        saved = list(plan.actions.filter(carried_from__isnull=True).order_by("pk"))
        for action, (_party, name) in zip(saved, actions, strict=True):
            if name:
                Action.objects.filter(pk=action.pk).update(intervention=self.intervention(name))
        return plan

    def meeting(self, case, day, kind, actions, held_after=5):
        """A meeting planned on ``day`` and held ``held_after`` days later."""
        held = day + dt.timedelta(days=held_after)
        return self.hold(case, self.plan(case, day, kind, held), held, actions)

    def _action(self, case, party):
        row = {
            "text": self._secret(f"Hemlig åtgärdstext {case.pk}-{party}."),
            "due_date": dt.date(2027, 1, 1),
        }
        if party in self.agencies:
            return {**row, "party": "agency", "agency": self.agencies[party]}
        return {**row, "party": party}

    def follow_up_closing(self, case, day, reason):
        """A follow-up that finds every goal of the plan in force met and closes the case."""
        goals = case.current_plan().goals.all()
        with on(day):
            services.record_follow_up(
                case,
                self.coordinator,
                day=day,
                notes=self._secret(f"Hemlig uppföljning {case.pk}."),
                items=[],
                goal_assessments=dict.fromkeys(goals, "met"),
                decision="close",
                closing=(reason, self._secret(f"Hemlig avslutstext {case.pk}.")),
            )

    def withdraw(self, case, consent, day):
        with on(day):
            services.withdraw_consent(
                case, self.coordinator, consent, reason=self._secret("Hemligt återkallande.")
            )

    def close(self, case, day, reason):
        with on(day):
            services.close_case(
                case, self.coordinator, reason, self._secret(f"Hemlig avslutstext {case.pk}.")
            )

    def reading(self, case, point, day, **codes):
        """The five outcome indicators at ``point`` (unknown unless given)."""
        fields = dict.fromkeys(INDICATORS, "unknown")
        return OutcomeReading.objects.create(
            case=case,
            point=point,
            recorded_on=day,
            recorded_by=self.coordinator,
            **{**fields, **codes},
        )

    def consultation(self, day, outcome, reason="", asking="skola", age_band="12_14"):
        return Consultation.objects.create(
            municipality=self.municipality,
            asked_on=day,
            asking_agency=self.agencies[asking],
            age_band=age_band,
            gender="pojke",
            concerns=["school_absence"],
            outcome=outcome,
            not_sspf_reason=reason,
            recorded_by=self.coordinator,
        )


def build_cohort(users, agencies):
    """The steering report's known cohort: fourteen young people (E1 referred in VT 2025, A1–A4
    in HT 2025, B1–B8 in VT 2026, one in HT 2026) walked through the services, and eleven
    consultations. The figures are worked out by hand in tests/test_steering_report.py."""
    w = Walk(users, agencies)
    # E1, VT 2025: carried into HT 2025, closed there (low risk)
    e1 = w.refer(dt.date(2025, 3, 10), source="skola", gender="pojke", age=14, grade="8",
                 concerns=["school_absence"])  # fmt: skip
    w.accept(e1, dt.date(2025, 3, 12), "medium")
    w.consent(e1, dt.date(2025, 3, 14))
    w.meeting(e1, dt.date(2025, 3, 17), "network", [("skola", "Anpassat schema")])
    w.reading(e1, "start", dt.date(2025, 3, 12), school_attendance="low")
    w.close(e1, dt.date(2025, 10, 15), "low_risk")
    w.reading(e1, "closure", dt.date(2025, 10, 15), school_attendance="partial")
    # HT 2025
    a1 = w.refer(dt.date(2025, 8, 20), source="skola", gender="pojke", age=14, grade="8",
                 concerns=["school_absence", "criminal_peers"])  # fmt: skip
    w.accept(a1, dt.date(2025, 8, 25), "medium")
    w.consent(a1, dt.date(2025, 9, 1))
    w.meeting(a1, dt.date(2025, 9, 5), "network",
              [("skola", "Anpassat schema"), ("socialtjanst", "RePulse")])  # fmt: skip
    w.reading(a1, "start", dt.date(2025, 8, 25), school_attendance="low", crime="none",
              substance_use="none", goal_fulfilment="not", leisure="no")  # fmt: skip
    a2 = w.refer(dt.date(2025, 9, 15), source="skola", gender="pojke", age=13, grade="7",
                 concerns=["school_absence"])  # fmt: skip
    w.accept(a2, dt.date(2025, 9, 20), "low")
    w.consent(a2, dt.date(2025, 9, 25))
    a2_plan = w.meeting(a2, dt.date(2025, 9, 26), "initial", [("skola", "Anpassat schema")])
    a3 = w.refer(dt.date(2025, 10, 1), source="polis", gender="flicka", age=15, grade="9",
                 concerns=["crime", "substance_use"], by="polis")  # fmt: skip
    w.accept(a3, dt.date(2025, 10, 5), "high")
    w.consent(a3, dt.date(2025, 10, 10))
    w.meeting(a3, dt.date(2025, 10, 15), "network", [("polis", "Samtal med polis"),
              ("socialtjanst", "MiniMaria"), ("youth", None)])  # fmt: skip
    w.close(a3, dt.date(2025, 12, 15), "moved")
    a4 = w.refer(dt.date(2025, 11, 3), source="vardnadshavare", gender="pojke", age=12, grade="6",
                 concerns=["family"], by="samordnare")  # fmt: skip
    w.decline(a4, dt.date(2025, 11, 10), "outside_target_group")
    # VT 2026
    b1 = w.refer(dt.date(2026, 1, 12), source="skola", gender="pojke", age=14, grade="8",
                 concerns=["school_absence", "school_results"])  # fmt: skip
    w.accept(b1, dt.date(2026, 1, 15), "medium")
    w.consent(b1, dt.date(2026, 1, 20))
    w.meeting(b1, dt.date(2026, 1, 22), "network",
              [("skola", "Anpassat schema"), ("socialtjanst", "RePulse")])  # fmt: skip
    b2 = w.refer(dt.date(2026, 1, 20), source="skola", gender="pojke", age=13, grade="7",
                 concerns=["school_absence"])  # fmt: skip
    w.accept(b2, dt.date(2026, 1, 22), "low")
    w.consent(b2, dt.date(2026, 1, 26))
    w.meeting(b2, dt.date(2026, 1, 28), "initial", [("skola", None)])
    w.reading(b2, "start", dt.date(2026, 1, 22), school_attendance="partial", crime="none",
              substance_use="none", goal_fulfilment="partly", leisure="yes")  # fmt: skip
    b3 = w.refer(dt.date(2026, 2, 3), source="skola", gender="flicka", age=15, grade="9",
                 concerns=["substance_use", "criminal_peers"])  # fmt: skip
    w.accept(b3, dt.date(2026, 2, 5), "high")
    b3_consent = w.consent(b3, dt.date(2026, 2, 10))
    w.meeting(b3, dt.date(2026, 2, 12), "network",
              [("socialtjanst", "MiniMaria"), ("polis", "Samtal med polis")])  # fmt: skip
    w.reading(b3, "start", dt.date(2026, 2, 5), school_attendance="full", crime="suspected",
              substance_use="some", goal_fulfilment="not", leisure="no")  # fmt: skip
    b4 = w.refer(dt.date(2026, 2, 16), source="polis", gender="pojke", age=16, grade="Gy 1",
                 concerns=["crime", "violence"], by="polis")  # fmt: skip
    w.accept(b4, dt.date(2026, 2, 18), "high")
    w.consent(b4, dt.date(2026, 2, 20))
    w.meeting(b4, dt.date(2026, 2, 23), "network", [("polis", "Samtal med polis"),
              ("socialtjanst", "FFT (funktionell familjeterapi)"), ("youth", None)],
              held_after=6)  # fmt: skip
    b5 = w.refer(dt.date(2026, 3, 2), source="socialtjanst", gender="pojke", age=11, grade="5",
                 concerns=["family", "school_absence"], by="socialtjanst")  # fmt: skip
    w.accept(b5, dt.date(2026, 3, 4), "medium", "Hemligt skäl: syskonen är redan aktuella.")
    b6 = w.refer(dt.date(2026, 3, 16), source="skola", gender="pojke", age=14, grade="8",
                 concerns=["school_absence"])  # fmt: skip
    w.decline(b6, dt.date(2026, 3, 20), "not_suitable")
    b7 = w.refer(dt.date(2026, 4, 6), source="fritid", gender="flicka", age=13, grade="7",
                 concerns=["norm_breaking"], by="fritid")  # fmt: skip
    w.accept(b7, dt.date(2026, 4, 8), "medium")
    w.consent(b7, dt.date(2026, 4, 10))
    w.meeting(b7, dt.date(2026, 4, 14), "initial", [("fritid", "Inslussad på fritidsgården")],
              held_after=6)  # fmt: skip
    b8 = w.refer(dt.date(2026, 5, 4), source="skola", gender="pojke", age=15, grade="9",
                 concerns=["school_absence", "crime"])  # fmt: skip
    w.accept(b8, dt.date(2026, 5, 6), "medium")
    w.consent(b8, dt.date(2026, 5, 8))
    w.plan(b8, dt.date(2026, 5, 12), "network", dt.date(2026, 6, 15))  # planned, never held
    # what happened in VT 2026 to the cases of before
    a2_meeting = w.plan(a2, dt.date(2026, 2, 5), "follow_up", dt.date(2026, 2, 12))
    w.hold(a2, a2_meeting, dt.date(2026, 2, 12), [("youth", None)], carried=a2_plan.actions.all())
    w.follow_up_closing(a1, dt.date(2026, 3, 10), "goals_met")
    w.reading(a1, "closure", dt.date(2026, 3, 10), school_attendance="full", crime="none",
              substance_use="none", goal_fulfilment="partly", leisure="yes")  # fmt: skip
    w.withdraw(b3, b3_consent, dt.date(2026, 4, 1))
    w.close(b3, dt.date(2026, 4, 5), "consent_withdrawn")
    w.reading(b3, "closure", dt.date(2026, 4, 5), school_attendance="partial", crime="suspected",
              substance_use="regular", goal_fulfilment="not", leisure="unknown")  # fmt: skip
    w.close(b5, dt.date(2026, 4, 15), "consent_not_given")
    w.follow_up_closing(b2, dt.date(2026, 5, 20), "goals_met")
    w.reading(b2, "closure", dt.date(2026, 5, 20), school_attendance="full", crime="none",
              substance_use="none", goal_fulfilment="meets", leisure="yes")  # fmt: skip
    # HT 2026: after the period, in no figure of VT 2026
    w.refer(dt.date(2026, 7, 10), source="skola", gender="flicka", age=14, grade="8",
            concerns=["other"])  # fmt: skip
    # consultations: three in HT 2025, seven in VT 2026, one after
    for day, outcome, reason in [
        (dt.date(2025, 9, 10), "advice", ""),
        (dt.date(2025, 10, 12), "nothing", "not_crime_preventive"),
        (dt.date(2025, 11, 20), "referral", ""),
        (dt.date(2026, 1, 8), "advice", ""),
        (dt.date(2026, 1, 15), "advice", "not_crime_preventive"),
        (dt.date(2026, 2, 11), "elsewhere", "not_crime_preventive"),
        (dt.date(2026, 3, 3), "nothing", "no_consent"),
        (dt.date(2026, 3, 20), "elsewhere", "not_crime_preventive"),
        (dt.date(2026, 4, 22), "referral", ""),
        (dt.date(2026, 6, 30), "advice", "other"),
        (dt.date(2026, 7, 1), "advice", ""),
    ]:
        w.consultation(day, outcome, reason)
    return w


class _Tables(html.parser.HTMLParser):
    """The report's tables as the page shows them: {key: [[row header, cells…], …]} for every
    block marked ``data-testid="table-<key>"``, and "trend" for the table over the terms."""

    def __init__(self):
        super().__init__()
        self.tables, self.key, self.depth, self.row, self.cell = {}, None, 0, None, None

    def handle_starttag(self, tag, attrs):
        testid = dict(attrs).get("data-testid") or ""
        if tag == "div" and testid.startswith("table-"):
            self.key, self.depth = testid.removeprefix("table-"), 0
            self.tables[self.key] = []
        elif tag == "table" and testid == "trend":
            self.key, self.depth = "trend", 0
            self.tables["trend"] = []
        if self.key is None:
            return
        if tag in ("div", "table") and self.tables[self.key] is not None:
            self.depth += 1
        if tag == "tr":
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if self.key is None:
            return
        if tag in ("th", "td") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.key].append(self.row)
            self.row = None
        elif tag in ("div", "table"):
            self.depth -= 1
            if self.depth == 0:
                self.key = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def report_tables(content):
    """The page's tables: {key: {line label: (this period, the period before)}} (the trend:
    {term: (new, closed, ongoing)}); each table's head row left out."""
    parser = _Tables()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    return {
        key: {row[0]: tuple(row[1:]) for row in rows[1:]} for key, rows in parser.tables.items()
    }


def purge(case):
    """Delete ``case`` as gallring would: what protects it (its events, assessments, journal,
    access log, the consultation it came from…) is deleted first, row by row of each kind
    (a queryset's delete, as the append-only records refuse an instance's)."""
    from django.db import transaction
    from django.db.models import ProtectedError

    try:
        from sspf_flow.erasure import purge_case  # gallring's own path, once merged
    except ImportError:
        pass
    else:
        with transaction.atomic():
            purge_case(case)
        return
    for _attempt in range(20):
        try:
            case.delete()
            return
        except ProtectedError as refused:
            blockers = {}
            for row in refused.protected_objects:
                blockers.setdefault(type(row), []).append(row.pk)
            for model, pks in blockers.items():
                if model.__name__ == "Consultation":
                    model.objects.filter(pk__in=pks).update(became_case=None)
                else:
                    purge_rows(model, pks)
    raise AssertionError(f"{case} could not be deleted")


def purge_rows(model, pks):
    from django.db.models import ProtectedError

    try:
        model.objects.filter(pk__in=pks).delete()
    except ProtectedError as refused:
        for row in refused.protected_objects:
            purge_rows(type(row), [row.pk])
        model.objects.filter(pk__in=pks).delete()
