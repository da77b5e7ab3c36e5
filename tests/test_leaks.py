"""What a page shows, not only whether it opens: a content-aware leak test.

Two cases are seeded with distinct secret strings, one kind per entitlement (the young person's
identity, the guardians' names and phones, the guardians' e-mail addresses, the network
persons' names and (apart) their phones and e-mail addresses, the texts that mix
every party's picture, health, police and social services' information, the coordinator's
journal): case A, open and far travelled (``urlmap.build_case``), and case B, closed after a
full consent. Different agencies stand in different consent states on case A (full, partial by
category, expired, withdrawn for that agency, never covered); agencies fully covered on case B
before it closed ask for its pages. Every URL pattern from the resolver is filled in for a real
case and asked for (GET, and with a case in the query where a page takes one; the PDF, CSV and
file downloads are read as text) by each identity below, and:

* no secret of a kind the identity is not entitled to (``ENTITLED``, a table written from the
  rules of docs/architecture.md §9, not from the code) appears in the answer;
* an answer that shows any secret of a case wrote exactly one access-log row for that case.

A URL pattern that cannot be filled in fails by name (decide about it in ``tests/urlmap.py``).
Everything is asked once per run, inside the first test's transaction; each (URL, identity) is
its own test, so a failure names the page, who asked, and the secrets it showed.
"""

import datetime as dt
import html
import io
import re
import traceback
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader
from stdnum import luhn
from stdnum.se import personnummer

from casework.workflow import steps
from casework.workflow.flows import CaseFlow
from operative import services as operative_services
from operative.models import GroupMember, OperativeGroup
from sspf_flow import assessments, records, services
from sspf_flow.models import (
    AccessLog,
    Agency,
    AgencyKind,
    ConsentAgency,
    Guardian,
    InformationCategory,
    NetworkPerson,
    Occasion,
    Role,
    Status,
    Youth,
)
from tests.builders import accept_step, born_aged, make_user, referral_post
from tests.urlmap import ROUTES, build_case, fill, operative_values, travel_to_closure

# --- the secrets ---------------------------------------------------------------------------

OPEN, CLOSED = "case A (open)", "case B (closed)"

IDENTITY = "identity"  # the young person's name and personal identity number
GUARDIANS = "guardians"  # the guardians' names and phone numbers
GUARDIAN_EMAIL = "guardian e-mail"
MIXED = "mixed text"  # concern, protective factors, protocol, follow-up notes, filled-in forms
HEALTH = "health"  # a coded concern of the health category, the accessibility needs
POLICE = "police"  # a coded concern of the police category, the police's action in the plan
SOCIAL = "social services"  # the young person's own action in the plan, a report of concern
LEISURE = "leisure"  # the leisure agency's picture before a meeting (issue 12)
JOURNAL = "journal"
NETWORK = "network person"  # the name a consent gives: common ground, like the guardians'
NETWORK_CONTACT = "network person's contact"  # phone and e-mail: the coordinator's only

COMMON = frozenset({IDENTITY, GUARDIANS, NETWORK})
FULL_PICTURE = COMMON | {MIXED, HEALTH, POLICE, SOCIAL, LEISURE}
EVERYTHING = FULL_PICTURE | {JOURNAL, GUARDIAN_EMAIL, NETWORK_CONTACT}
NOTHING = frozenset()

# The Swedish labels of the coded concerns as the pages show them (locale/sv). A page with a
# choice list of every concern (the referral form) shows each label once; a label counts as
# shown about the case only when it appears more often than a concern no case has.
CONTROL_CONCERN = "Annat normbrytande beteende"  # norm_breaking: neither case has it
CONCERN_LABELS = {
    "substance_use": "Alkohol, droger eller tobak",  # health
    "crime": "Misstänkt för brott",  # police
    "mental_health": "Psykisk hälsa",  # health
    "violence": "Våld eller hot",  # police
}


@dataclass(frozen=True)
class Secret:
    case: str
    kind: str
    what: str
    needles: tuple  # the strings that give it away
    counted: bool = False  # a concern's label: shown only when above the control's count

    def __str__(self):
        return f"{self.case}: {self.kind} – {self.what} {self.needles[0]!r}"


def born(years, month, day):
    """A birth date ``years`` (13 or 14 by the time of year) before this year: young enough
    that the guardians alone sign the consent, whatever day the test runs."""
    return dt.date(timezone.localdate().year - years, month, day)


def personal_number(birth, serial):
    """A valid Swedish personal identity number for ``birth`` (the check digit computed)."""
    digits = f"{birth:%y%m%d}{serial}"
    number = f"{birth:%Y%m%d}-{serial}{luhn.calc_check_digit(digits)}"
    assert personnummer.is_valid(number), number
    return number


def number_needles(number):
    """A personal identity number as any page could write it: with or without the century
    and the hyphen."""
    short = number[2:]
    return (short, short.replace("-", ""))


@dataclass
class Seed:
    """One case's seeded values and the secrets they make."""

    case: str
    first_name: str
    last_name: str
    birth: dt.date
    number: str
    guardians: list  # (name, phone, e-mail)
    concerns: list  # [school concern, health concern, police concern]
    concern_text: str
    protective_text: str
    protocol: str
    picture: str  # the protocol template's "the young person's picture" answer
    follow_up: str
    youth_view: str  # the follow-up template's "the young person's view" answer
    accessibility: str
    police_action: str  # the police's action in the action plan
    own_action: str  # the young person's own action (social services' category)
    reported_to: str  # whom the referrer's report of concern went to
    journal: str
    leisure_picture: tuple  # the leisure agency's picture before the first meeting: four texts
    network: list = field(default_factory=list)  # (name, relation, phone, e-mail)
    rbm_comment: str = ""  # the coordinator's assessment of risk, need and receptivity
    secrets: list = field(default_factory=list)

    def __post_init__(self):
        def add(kind, what, *needles, counted=False):
            self.secrets.append(Secret(self.case, kind, what, needles, counted))

        add(IDENTITY, "first name", self.first_name)
        add(IDENTITY, "last name", self.last_name)
        add(IDENTITY, "personal identity number", *number_needles(self.number))
        for name, phone, email in self.guardians:
            add(GUARDIANS, "guardian's name", name)
            add(GUARDIANS, "guardian's phone", phone)
            add(GUARDIAN_EMAIL, "guardian's e-mail", email)
        add(MIXED, "description of the concern", self.concern_text.split()[-1].strip("."))
        add(MIXED, "protective factors", self.protective_text.split()[-1].strip("."))
        add(MIXED, "meeting protocol", self.protocol.split()[-1].strip("."))
        add(MIXED, "protocol form's answer", self.picture.split()[-1].strip("."))
        add(MIXED, "follow-up notes", self.follow_up.split()[-1].strip("."))
        add(MIXED, "follow-up form's answer", self.youth_view.split()[-1].strip("."))
        _school, health, police = self.concerns
        add(HEALTH, f"coded concern {health}", CONCERN_LABELS[health], counted=True)
        add(HEALTH, "accessibility needs", self.accessibility.split()[-1].strip("."))
        add(POLICE, f"coded concern {police}", CONCERN_LABELS[police], counted=True)
        add(POLICE, "the police's action", self.police_action.split()[-1].strip("."))
        add(SOCIAL, "the young person's own action", self.own_action.split()[-1].strip("."))
        add(SOCIAL, "report of concern", self.reported_to.split()[-1].strip("."))
        add(SOCIAL, "assessment of risk, need and receptivity", self.rbm_comment.split()[-1])
        add(JOURNAL, "journal note", self.journal.split()[-1].strip("."))
        add(
            LEISURE,
            "the leisure agency's picture",
            *(text.split()[-1].strip(".") for text in self.leisure_picture),
        )
        for name, _relation, phone, email in self.network:
            add(NETWORK, "network person's name", name)
            add(NETWORK_CONTACT, "network person's phone", phone)
            add(NETWORK_CONTACT, "network person's e-mail", email)

    def referral(self):
        """The referral form's POST, as the school sends it."""
        data = referral_post()
        data.update(
            {
                "youth-first_name": self.first_name,
                "youth-last_name": self.last_name,
                "youth-personal_number": self.number,
                "youth-birth_date": str(self.birth),
                "youth-accessibility_needs": self.accessibility,
                "referral-concerns": self.concerns,
                "referral-concern_text": self.concern_text,
                "referral-protective_text": self.protective_text,
                "report-made": "on",
                "report-made_on": str(timezone.localdate() - dt.timedelta(days=2)),
                "report-to_whom": self.reported_to,
            }
        )
        for index, (name, phone, email) in enumerate(self.guardians):
            data[f"guardian-{index}-name"] = name
            data[f"guardian-{index}-phone"] = phone
            data[f"guardian-{index}-email"] = email
        return data

    def meeting(self, agencies):
        """The hold-meeting step's changes: the protocol and its form's answer, and besides
        the school's action (urlmap's default) one of the police and one of the young
        person."""
        due = str(timezone.localdate() + dt.timedelta(days=30))
        return {
            "protocol": self.protocol,
            "tpl-bild_ungdom": self.picture,
            "action-TOTAL_FORMS": "3",
            "action-1-text": self.police_action,
            "action-1-party": "agency",
            "action-1-agency": agencies["polis"].pk,
            "action-1-due_date": due,
            "action-2-text": self.own_action,
            "action-2-party": "youth",
            "action-2-due_date": due,
        }

    def posts(self, agencies):
        return {
            "referral": self.referral(),
            "meeting": self.meeting(agencies),
            "follow_up": {"notes": self.follow_up, "tpl-ungdomens_syn": self.youth_view},
            "picture": dict(
                zip(("knows", "does", "strengths", "risks"), self.leisure_picture, strict=True)
            ),
        }


def seeds():
    # Each secret string gives away one thing of one case: the texts end in a word found
    # nowhere else, and nothing of one case is part of another's.
    a_born, b_born = born(14, 1, 15), born(14, 2, 20)
    return {
        OPEN: Seed(
            case=OPEN,
            first_name="Lovisa",
            last_name="Hemligsson",
            birth=a_born,
            number=personal_number(a_born, "238"),
            guardians=[
                ("Majvor Vårdnadsdotter", "070-111 22 33", "majvor.v@hemlig.invalid"),
                ("Ingemar Förmyndarsson", "073-444 55 66", "ingemar.f@hemlig.invalid"),
            ],
            concerns=["school_absence", "substance_use", "crime"],
            concern_text="Skolan ser en oro som vi kallar Kvarnbergsoron.",
            protective_text="Hon har ett starkt nätverk, Tallbackaskyddet.",
            protocol="Alla berättade om sin bild, se Ekorrgransprotokollet.",
            picture="Hennes egen bild är Myrstacksbilden.",
            follow_up="Närvaron har ökat enligt Lingonviddsnoteringen.",
            youth_view="Hennes syn är Blåbärsrissynen.",
            accessibility="Behöver hörselslinga, Snödroppsbehovet.",
            police_action="Samtal med närpolisen, Nattvandrarspaningen.",
            own_action="Hon går till fritidsgården, Egenmaktsplanen.",
            reported_to="Socialjouren Ugglemossen",
            journal="Samtal med mamma om Hjortronmyrsjournalen.",
            leisure_picture=(
                "Hon kommer till gården varje kväll, Kvällsgökslägesbilden.",
                "Vi erbjuder läxhjälp, Läxugglestödet.",
                "Hon leder dansgruppen, Dansstjärnestyrkan.",
                "Äldre besökare lockar henne, Nattfjärilsrisken.",
            ),
            rbm_comment="Mottagligheten bygger på Tallmosbedömningen",
            network=[
                (
                    "Gunnar Nätverksson",
                    "fotbollstränare",
                    "076-987 65 43",
                    "gunnar.n@hemlig.invalid",
                )
            ],
        ),
        CLOSED: Seed(
            case=CLOSED,
            first_name="Tindra",
            last_name="Stängdqvist",
            birth=b_born,
            number=personal_number(b_born, "462"),
            guardians=[
                ("Ragnhild Arkivsson", "070-777 88 99", "ragnhild.a@stangd.invalid"),
                ("Bertil Gallringsson", "076-222 33 44", "bertil.g@stangd.invalid"),
            ],
            concerns=["school_results", "mental_health", "violence"],
            concern_text="Oron gäller det som kallas Granåsoron.",
            protective_text="Ett skydd finns i Björkhageskyddet.",
            protocol="Mötet enades, se Sälgrundsprotokollet.",
            picture="Hennes bild av läget är Vitsippsbilden.",
            follow_up="Målen nåddes enligt Rönnbärsnoteringen.",
            youth_view="Hennes syn är Tranbärssynen.",
            accessibility="Behöver rullstolsramp, Kabbelekebehovet.",
            police_action="Orosbesök av polisen, Grävlingsspaningen.",
            own_action="Hon tränar två gånger i veckan, Sjöstjärneplanen.",
            reported_to="Socialtjänstens mottagning Hägerstrand",
            journal="Avslutande samtal, Smultronjournalen.",
            leisure_picture=(
                "Hon kommer sällan till gården, Morgonlärkslägesbilden.",
                "Vi bjuder in henne till simning, Simfenestödet.",
                "Hon är en god kamrat, Kamratkompasstyrkan.",
                "Hon är ensam på helgerna, Helgmörkerrisken.",
            ),
            rbm_comment="Behovet vägdes enligt Lingonrisbedömningen",
        ),
    }


# --- who asks, and what each may see ---------------------------------------------------------

# identity → (the user, the case whose URLs it asks for)
IDENTITIES = {
    "coordinator": ("samordnare", OPEN),  # the case's coordinator
    "full": ("socialtjanst", OPEN),  # covered by a consent naming every category
    "partial_police": ("east", OPEN),  # covered by a consent naming school and police
    "partial_health": ("health", OPEN),  # covered by a consent naming school and health
    "partial_social": ("family", OPEN),  # covered by one naming school and social services
    "expired": ("west", OPEN),  # its consent (every category) ended yesterday
    "withdrawn": ("polis", OPEN),  # the consent was withdrawn for this agency alone
    "none": ("trygghet", OPEN),  # never covered
    "closed": ("fritid", CLOSED),  # fully covered on case B until it closed (and on case A)
    "referrer_closed": ("skola", CLOSED),  # referred case B (fully covered on both, too)
    "coordinator_closed": ("samordnare", CLOSED),
    "foreign": ("foreign", OPEN),  # a coordinator of another municipality
    "styrgrupp": ("styrgrupp", OPEN),
    "admin": ("admin", OPEN),
    "anonymous": (None, OPEN),
}

# What each identity may see of each case, from docs/architecture.md §9 and issue 10:
# * the coordinator sees everything of the municipality's cases, closed ones too;
# * a covered agency sees the common ground: the young person's identification and the
#   guardians (the case page lists their names and phones to every covered agency, and the
#   consent they signed names them); of the rest only the categories its active consent names:
#   coded concerns by their area, the accessibility needs (health), plan actions by the
#   responsible agency's area (the young person's own: social services'), reports of concern
#   (social services'); the mixed texts (concern, protective factors, protocols, follow-up
#   notes, filled-in forms) only when it names every category;
# * an agency's picture before a meeting (issue 12): the writer's own, and to another agency
#   only while a consent covers the writer too and names the writer's area (the leisure
#   agency's picture: the leisure category);
# * the journal is the coordinator's;
# * the guardians' e-mail addresses: the referral form asks for them and the meeting
#   invitations are sent to them, but no page shows them (the case page shows name and phone;
#   the admin's outbox, outside the URLs walked here, masks every address). The coordinator
#   may see them; anyone else seeing one is a leak;
# * a closed case, an expired or withdrawn consent, no consent, another municipality, the
#   steering group, the administrator and an anonymous visitor: nothing.
ENTITLED = {
    "coordinator": {OPEN: EVERYTHING, CLOSED: EVERYTHING},
    "full": {OPEN: FULL_PICTURE, CLOSED: NOTHING},
    "partial_police": {OPEN: COMMON | {POLICE}, CLOSED: NOTHING},
    "partial_health": {OPEN: COMMON | {HEALTH}, CLOSED: NOTHING},
    "partial_social": {OPEN: COMMON | {SOCIAL}, CLOSED: NOTHING},
    "expired": {OPEN: NOTHING, CLOSED: NOTHING},
    "withdrawn": {OPEN: NOTHING, CLOSED: NOTHING},
    "none": {OPEN: NOTHING, CLOSED: NOTHING},
    "closed": {OPEN: FULL_PICTURE, CLOSED: NOTHING},
    "referrer_closed": {OPEN: FULL_PICTURE, CLOSED: NOTHING},
    "coordinator_closed": {OPEN: EVERYTHING, CLOSED: EVERYTHING},
    "foreign": {OPEN: NOTHING, CLOSED: NOTHING},
    "styrgrupp": {OPEN: NOTHING, CLOSED: NOTHING},
    "admin": {OPEN: NOTHING, CLOSED: NOTHING},
    "anonymous": {OPEN: NOTHING, CLOSED: NOTHING},
}


# --- building the cases and the consent states -----------------------------------------------


def oral_consent(case, coordinator, agency, categories, valid_from, valid_to):
    return services.register_consent(
        case,
        coordinator,
        method="oral",
        oral_notes="Per telefon med båda vårdnadshavarna.",
        purpose=f"Samverkan med {agency.name}.",
        valid_from=valid_from,
        valid_to=valid_to,
        agencies=[agency],
        categories=categories,
        signers=[("guardian", g) for g in case.youth.guardians.all()],
        youth_view="Okej.",
    )


def consent_states(case, coordinator):
    """Agencies that join case A by consents of their own (oral, each naming its categories);
    returns their members by username. ``build_case`` covered skola, socialtjanst, polis and
    fritid with every category; trygghet is never covered."""
    today = timezone.localdate()
    soon, yesterday = today + dt.timedelta(days=90), today - dt.timedelta(days=1)
    every = ["health", "leisure", "police", "school", "social_services"]
    # username: the agency, its kind, the member's role, the categories its consent names;
    # "west" was covered for 90 days until yesterday, the others from today
    states = {
        "east": ("Fritidsgården Öster", AgencyKind.LEISURE, Role.LEISURE, ["school", "police"]),
        "health": (
            "Elevhälsan Centralskolan",
            AgencyKind.SCHOOL,
            Role.SCHOOL,
            ["school", "health"],
        ),
        "family": (
            "Familjebehandlingen",
            AgencyKind.SOCIAL_SERVICES,
            Role.SOCIAL_SERVICES,
            ["school", "social_services"],
        ),
        "west": ("Västerskolan", AgencyKind.SCHOOL, Role.SCHOOL, every),
    }
    members = {}
    for username, (name, kind, role, categories) in states.items():
        agency = Agency.objects.create(municipality=case.municipality, name=name, kind=kind)
        members[username] = make_user(username, role, agency)
        expired = username == "west"
        start = today - dt.timedelta(days=90) if expired else today
        oral_consent(case, coordinator, agency, categories, start, yesterday if expired else soon)
        active = ConsentAgency.objects.active_on(today).filter(consent__case=case, agency=agency)
        assert active.exists() != expired, username
    return members


def name_the_network(case, coordinator, agency, network):
    """A further consent of case A, for an agency already covered with every category, that
    names the young person's network persons."""
    today = timezone.localdate()
    return services.register_consent(
        case,
        coordinator,
        method="oral",
        oral_notes="Per telefon med båda vårdnadshavarna.",
        purpose="Nätverket får delta.",
        valid_from=today,
        valid_to=today + dt.timedelta(days=90),
        agencies=[agency],
        categories=list(InformationCategory.values),
        signers=[("guardian", g) for g in case.youth.guardians.all()],
        youth_view="Okej.",
        network=[
            NetworkPerson(name=name, relation=relation, phone=phone, email=email)
            for name, relation, phone, email in network
        ],
    )


def name_on_the_group_level(group, case, writer):
    """A group-level item of the group's first meeting names case A (issue 13, 2), written by
    the chair (social services, covered on case A; the coordinator is no member and so writes
    no item): the agenda shows A's name to those who may read case A, no one else."""
    meeting = OperativeGroup.objects.get(pk=group).meetings.order_by("starts_at").first()
    return operative_services.add_group_item(
        meeting,
        writer,
        named=[case.number],
        description="Några unga som ses vid torget",
        area="Centrum",
        seen="Klotter kvällstid.",
    )


THIRD = ("Kim", "Tredjefall")  # the young person of case C, on the same agenda as case A
THIRD_CASE = "case C"


def third_case(users, agencies):
    """Case C, referred today and so on the operative agenda beside case A: a consent covers the
    police alone — the agency whose consent on case A was withdrawn — so that on one agenda an
    agency is covered for one case and not the other (and the agencies covered on A in part are
    not covered on C)."""
    first, last = THIRD
    case = services.refer_case(
        users["skola"],
        Youth(first_name=first, last_name=last, gender="annat", birth_date=born_aged(13)),
        [Guardian(name="Vårdnadshavare Tre")],
        programme="sspf",
        referral_source="skola",
        concerns=["school_absence"],
        concern_text="Frånvaro.",
    )
    CaseFlow.start_from_code.run(case=case)
    accept_step(case, users["samordnare"])
    today = timezone.localdate()
    oral_consent(
        case,
        users["samordnare"],
        agencies["polis"],
        list(InformationCategory.values),
        today,
        today + dt.timedelta(days=90),
    )
    return case


def build_cases(users, agencies):
    """Case B travels to its closure, case A far (urlmap.build_case), both with the secrets and
    a journal note; then case A's consent is withdrawn for the police alone and further
    agencies join it (``consent_states``). Returns the cases, the people who ask, the seeds."""
    coordinator = users["samordnare"]
    seeded = seeds()
    closed = travel_to_closure(users, agencies, **seeded[CLOSED].posts(agencies))
    records.write_journal_note(closed, coordinator, seeded[CLOSED].journal)
    case = build_case(users, agencies, **seeded[OPEN].posts(agencies))
    records.write_journal_note(case, coordinator, seeded[OPEN].journal)

    active = case.consents.filter(withdrawn_at__isnull=True).latest("pk")
    steps.withdraw_consent(
        case, coordinator, active, agency=agencies["polis"], reason="Polisen ska inte vara med."
    )
    police = ConsentAgency.objects.active_on(timezone.localdate()).filter(
        consent__case=case, agency=agencies["polis"]
    )
    assert not police.exists(), "the consent is withdrawn for the police"
    for label, assessed in ((CLOSED, closed), (OPEN, case)):  # a reassessment, with its words
        assessments.write(
            assessed,
            coordinator,
            assessments.RBM("high", "extensive", "partly", comment=seeded[label].rbm_comment),
            Occasion.FOLLOW_UP,
        )
    people = {**users, **consent_states(case, coordinator)}
    # the operative group's agenda (issue 13) lists case A: the agencies covered for a part of
    # it sit in the group too, so that their agenda shows only their part
    group = operative_values(case)["pk"]
    for member in ("east", "health", "family"):
        GroupMember.objects.create(group_id=group, user=people[member])
    name_on_the_group_level(group, case, users["socialtjanst"])
    name_the_network(case, coordinator, agencies["socialtjanst"], seeded[OPEN].network)
    third = third_case(users, agencies)
    case.refresh_from_db()
    closed.refresh_from_db()
    assert case.status == Status.MEETING_PLANNED, case.status
    assert closed.status == Status.CLOSED, closed.status
    return {OPEN: case, CLOSED: closed, THIRD_CASE: third}, people, seeded


# --- reading an answer -----------------------------------------------------------------------


def squash(text):
    return re.sub(r"\s+", "", text)


def pdf_text(raw):
    """The text of a PDF (and its metadata); the raw bytes when it is not a PDF pypdf reads
    (the signed consent form of the tests is a few bytes of PDF header)."""
    try:
        reader = PdfReader(io.BytesIO(raw))
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = [str(value) for value in (reader.metadata or {}).values()]
        return "\n".join(pages + meta)
    except Exception:  # noqa: BLE001 - not a PDF pypdf can read: search its bytes
        return raw.decode("latin-1")


@dataclass
class Answer:
    status: int
    text: str  # the body as text (PDFs extracted), with the response's headers
    rows: dict  # case label → access-log rows written for that case during the request
    error: str = ""
    headers: dict = field(default_factory=dict)  # the response's headers, names in lower case


def ask(client, url, cases):
    """GET ``url`` as the client's user and read the whole answer (streamed ones too), counting
    the access-log rows each case got; nothing the request wrote survives."""
    pks = {case.pk: label for label, case in cases.items()}
    try:
        with transaction.atomic():
            last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(url)
            if getattr(response, "streaming", False):
                raw = b"".join(response.streaming_content)
            else:
                raw = response.content
            written = AccessLog.objects.filter(pk__gt=last, case_id__in=pks).values_list(
                "case_id", flat=True
            )
            rows = dict.fromkeys(cases, 0)
            for case_id in written:
                rows[pks[case_id]] += 1
            transaction.set_rollback(True)
    except Exception:  # noqa: BLE001 - a page that cannot be read cannot be judged
        return Answer(500, "", {}, traceback.format_exc(limit=-8))
    kind = response.get("Content-Type", "")
    if "pdf" in kind or raw.startswith(b"%PDF"):
        body = pdf_text(raw)
    else:
        body = html.unescape(raw.decode("utf-8", "replace"))
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    return Answer(
        response.status_code,
        f"{headers}\n{body}",
        rows,
        headers={name.lower(): value for name, value in response.items()},
    )


def shown(secret, text, squashed):
    if secret.counted:
        (label,) = secret.needles
        return max(text.count(label), squashed.count(squash(label))) > max(
            text.count(CONTROL_CONCERN), squashed.count(squash(CONTROL_CONCERN))
        )
    return any(needle in text or squash(needle) in squashed for needle in secret.needles)


def secrets_in(answer, secrets):
    squashed = squash(answer.text)
    return [secret for secret in secrets if shown(secret, answer.text, squashed)]


# --- asking everything once ------------------------------------------------------------------


def url_for(route, case, fallback):
    """``route`` filled in for ``case``; for case B, case A's URL where case B has nothing to
    fill it with (a node it never reached, no planned meeting)."""
    try:
        url, problem = fill(route, case)
    except ObjectDoesNotExist as missing:
        url, problem = None, f"/{route.route}: {missing}"
    if problem and fallback is not None:
        return fill(route, fallback)
    return url, problem


# Pages whose answer depends on a query naming a case: asked also with it, for the case.
QUERIES = {
    "log/": "case",
    "log/export/": "case",
    "log/youth/": "number",
    "sspf/referrals/": "number",
}


def variants(route, url, case):
    if route.route in QUERIES:
        return [url, f"{url}?{QUERIES[route.route]}={case.number}"]
    return [url]


def build_answers(request):
    users = request.getfixturevalue("users")
    agencies = request.getfixturevalue("agencies")
    foreign = request.getfixturevalue("foreign_coordinator")
    cases, people, seeded = build_cases(users, agencies)
    people["foreign"] = foreign
    urls, answers = {}, {}
    for identity, (who, target) in IDENTITIES.items():
        fallback = cases[OPEN] if target == CLOSED else None
        client = Client()
        if who is not None:
            client.force_login(people[who])
        asked = {}
        for route, _id in ROUTES:
            url, problem = url_for(route, cases[target], fallback)
            urls[route, identity] = (url, problem)
            if not url:
                continue
            for variant in variants(route, url, cases[target]):
                if variant not in asked:
                    asked[variant] = ask(client, variant, cases)
            answers[route, identity] = [(v, asked[v]) for v in variants(route, url, cases[target])]
    secrets = [secret for seed in seeded.values() for secret in seed.secrets]
    return {"urls": urls, "answers": answers, "secrets": secrets}


_LEAKS = {}


def leaks(request):
    """The answers, built by the first test that asks (inside its transaction, rolled back
    after it; the answers are plain data)."""
    if "error" in _LEAKS:
        pytest.fail(f"building the leak test failed:\n{_LEAKS['error']}")
    if not _LEAKS:
        try:
            _LEAKS.update(build_answers(request))
        except Exception:
            _LEAKS["error"] = traceback.format_exc()
            raise
    return _LEAKS


# --- the tests -------------------------------------------------------------------------------


def header_problems(headers):
    """What an answer lacks of the security headers (issue 15, 6): a Content-Security-Policy
    whose scripts are only our files, no caching, no sniffing, no framing, a referrer policy."""
    problems = []
    policy = {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in headers.get("content-security-policy", "").split(";"))
        if part
    }
    scripts = policy.get("script-src", policy.get("default-src"))
    if not policy:
        problems.append("no Content-Security-Policy")
    elif scripts is None or {"'unsafe-inline'", "'unsafe-eval'"} & set(scripts):
        problems.append(f"script-src allows inline scripts or eval: {scripts}")
    elif policy.get("frame-ancestors") != ["'none'"] or policy.get("object-src") != ["'none'"]:
        problems.append("frame-ancestors or object-src is not 'none'")
    if headers.get("cache-control") != "no-store":
        problems.append(f"Cache-Control is {headers.get('cache-control')!r}, not 'no-store'")
    if headers.get("x-content-type-options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("x-frame-options") != "DENY":
        problems.append(f"X-Frame-Options is {headers.get('x-frame-options')!r}, not DENY")
    if not headers.get("referrer-policy"):
        problems.append("no Referrer-Policy")
    return problems


def judge(identity, url, answer, secrets):
    """What is wrong with one answer: an error, secrets beyond the identity's entitlement,
    a case shown without exactly one access-log row."""
    where = f"GET {url} as {identity}"
    if answer.error:
        return [f"{where} raised:\n{answer.error}"]
    seen = secrets_in(answer, secrets)
    entitled = ENTITLED[identity]
    problems = [
        f"{where} ({answer.status}) shows {secret}"
        for secret in seen
        if secret.kind not in entitled[secret.case]
    ]
    problems += [
        f"{where} ({answer.status}) lacks a security header: {problem}"
        for problem in header_problems(answer.headers)
    ]
    for case in (OPEN, CLOSED):
        if any(secret.case == case for secret in seen) and answer.rows[case] != 1:
            problems.append(
                f"{where} ({answer.status}) shows {case} but wrote {answer.rows[case]} "
                "access-log rows for it (one expected)"
            )
    return problems


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("route", [r for r, _ in ROUTES], ids=[i for _, i in ROUTES])
def test_no_secret_beyond_entitlement_and_every_read_logged(db, request, route, identity):
    found = leaks(request)
    _url, problem = found["urls"][route, identity]
    if problem:
        pytest.fail(f"cannot build a URL for pattern {problem}")
    problems = [
        line
        for url, answer in found["answers"][route, identity]
        for line in judge(identity, url, answer, found["secrets"])
    ]
    assert not problems, "\n".join(problems)


def test_every_secret_is_shown_to_someone_entitled_to_it(db, request):
    """The other side: each seeded secret does reach a page of someone entitled to it, so a
    secret that no page shows (a seed that never landed) cannot pass the test above unseen.
    The guardians' e-mail addresses are on no page (see ENTITLED), so they are left out."""
    found = leaks(request)
    reached = set()
    for (_route, identity), answers in found["answers"].items():
        entitled = ENTITLED[identity]
        for _url, answer in answers:
            shown_here = secrets_in(answer, found["secrets"])
            reached |= {s for s in shown_here if s.kind in entitled[s.case]}
    unseen = [
        secret
        for secret in found["secrets"]
        if secret not in reached and secret.kind != GUARDIAN_EMAIL
    ]
    assert not unseen, "never shown to anyone:\n" + "\n".join(map(str, unseen))


def test_on_one_agenda_each_member_sees_the_case_they_are_covered_for_and_not_the_other(
    db, request
):
    """Case C is on the agenda beside case A: the police (withdrawn from A, covered for C) see
    C and nothing of A; the agencies covered for A in part see A's part and not C; the
    coordinator sees both. A case shown is a case logged."""
    found = leaks(request)
    route = next(r for r, _id in ROUTES if (r.namespace, r.name) == ("operative", "agenda"))
    name = " ".join(THIRD)
    for identity, sees_c in (
        ("coordinator", True),
        ("withdrawn", True),
        ("partial_police", False),
        ("partial_health", False),
        ("partial_social", False),
    ):
        ((_url, answer),) = found["answers"][route, identity]
        assert answer.status == 200, identity
        assert (name in answer.text) == sees_c, identity
        assert answer.rows[THIRD_CASE] == sees_c, f"{identity}: case C shown once, logged once"


def test_the_agenda_lists_the_open_case_to_the_members_covered_for_it(db, request):
    """The operative agenda (issue 13) is no empty page here: case A is on it, read and logged
    once for the coordinator and the members a consent covers (wholly or in part); the
    police, whose consent was withdrawn, sit in the group and see the agenda without it."""
    found = leaks(request)
    route = next(r for r, _id in ROUTES if (r.namespace, r.name) == ("operative", "agenda"))
    for identity in ("coordinator", "full", "partial_police", "partial_health", "partial_social"):
        ((_url, answer),) = found["answers"][route, identity]
        assert answer.status == 200 and answer.rows[OPEN] == 1, identity
    ((_url, answer),) = found["answers"][route, "withdrawn"]
    assert answer.status == 200 and answer.rows[OPEN] == 0


def test_the_group_level_names_case_a_to_those_who_may_read_it(db, request):
    """The group-level item naming case A (issue 13, 2) shows its young person's name to the
    coordinator and the members covered on case A, and to the police, withdrawn from A, no
    name at all; the name shown is logged once with the individual level's."""
    found = leaks(request)
    route = next(r for r, _id in ROUTES if (r.namespace, r.name) == ("operative", "agenda"))
    for identity in ("coordinator", "full", "partial_police", "partial_health", "partial_social"):
        ((_url, answer),) = found["answers"][route, identity]
        assert 'data-testid="group-item-named"' in answer.text, identity
        assert answer.rows[OPEN] == 1, identity
    ((_url, answer),) = found["answers"][route, "withdrawn"]
    assert "Några unga som ses vid torget" in answer.text
    assert 'data-testid="group-item-named"' not in answer.text and answer.rows[OPEN] == 0
