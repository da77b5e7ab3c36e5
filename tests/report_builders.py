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
