"""Load the fictional demo municipality: agencies, one user per role and cases in every state,
among them the *Lou* example of seed 004 ("Att arbeta i SSPF – ett exempel") walked to the
follow-up stage with the action plan it describes. Everything goes through the services."""

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from viewflow.workflow import timers

from casework import demo_outcomes
from casework.demo_history import load_history
from casework.workflow import steps
from sspf_flow import counting, records, services
from sspf_flow.assessments import RBM
from sspf_flow.models import (
    Agency,
    AgencyKind,
    Guardian,
    InformationCategory,
    MeetingKind,
    Membership,
    Municipality,
    Party,
    Role,
    Youth,
)

MUNICIPALITY = "Exempelkommun"

# A one-page PDF standing in for the scanned, signed consent form of the fictional families.
SIGNED_FORM = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>>>endobj\n"
    b"4 0 obj<</Length 62>>stream\nBT /F1 14 Tf 72 770 Td (Demo: signed consent form) Tj ET\n"
    b"endstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
DEMO_PASSWORD = "demo-sspf"  # noqa: S105  (fictional demo accounts only; refused outside demo)

AGENCIES = {
    "skola": ("Centralskolan", AgencyKind.SCHOOL, "Rektor Centralskolan"),
    "socialtjanst": ("Socialtjänsten", AgencyKind.SOCIAL_SERVICES, "Enhetschef barn och unga"),
    "polis": ("Lokalpolisområde Exempel", AgencyKind.POLICE, "Kommunpolis"),
    "fritid": ("Fritidsgården Navet", AgencyKind.LEISURE, "Fritidsledare Navet"),
    "trygghet": ("Trygghet och beredskap", AgencyKind.SAFETY, "Säkerhetssamordnare"),
    "bup": ("BUP Exempel", AgencyKind.OTHER, "Mottagning BUP"),
}

# username, first name, role, agency key, title
USERS = [
    ("anja", "Anja", Role.COORDINATOR, "socialtjanst", "SSPF-koordinator"),
    ("maria", "Maria", Role.SOCIAL_SERVICES, "socialtjanst", "Enhetschef"),
    ("cornelia", "Cornelia", Role.SOCIAL_SERVICES, "socialtjanst", "Ungdomscoach"),
    ("sara", "Sara", Role.SCHOOL, "skola", "Kurator"),
    ("sven", "Sven", Role.SOCIAL_SERVICES, "socialtjanst", "Socialsekreterare"),
    ("per", "Per", Role.POLICE, "polis", "Kommunpolis"),
    ("frida", "Frida", Role.LEISURE, "fritid", "Fritidsledare"),
    ("tove", "Tove", Role.SAFETY, "trygghet", "Säkerhetssamordnare"),
    ("stina", "Stina", Role.STEERING_GROUP, "socialtjanst", "Ordförande styrgruppen"),
    ("adam", "Adam", Role.ADMIN, None, "Systemförvaltare"),
]

REFERRER = {"skola": "sara", "socialtjanst": "sven", "polis": "per", "fritid": "frida"}


class Command(BaseCommand):
    help = "Load the fictional demo municipality, its users and cases in every state."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when SSPF_DEMO is not set (never in production).",
        )

    def handle(self, *args, force=False, **options):
        if not (settings.SSPF_DEMO or settings.DEBUG or force):
            raise CommandError("Demo data is for demo installations: set SSPF_DEMO=1.")
        if Municipality.objects.filter(name=MUNICIPALITY).exists():
            self.stdout.write("The demo is already loaded.")
            return
        with transaction.atomic():
            demo = Demo()
            demo.load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {len(USERS)} users (password {DEMO_PASSWORD!r}), "
                f"{len(demo.cases)} cases."
            )
        )


class Demo:
    def __init__(self):
        self.today = timezone.localdate()
        self.cases = []

    def load(self):
        self.municipality = Municipality.objects.create(
            name=MUNICIPALITY, code="9999", colour="#1d5c63"
        )
        self.agency = {
            key: Agency.objects.create(
                municipality=self.municipality,
                name=name,
                kind=kind,
                contact_name=contact,
                contact_email=f"{key}@exempelkommun.invalid",
            )
            for key, (name, kind, contact) in AGENCIES.items()
        }
        self.user = {row[0]: self.make_user(*row) for row in USERS}
        self.user["anja"].membership.manager = self.user["maria"]
        self.user["anja"].membership.save()
        self.lou()
        self.referred()
        self.awaiting_consent()
        self.consented()
        self.meeting_planned()
        self.closed()
        demo_outcomes.vera(self)
        self.declined()
        self.records()
        load_history(self)
        timers.fire_due_timers()
        if apps.is_installed("operative"):  # its own command: casework imports no operative
            call_command("load_demo_group", MUNICIPALITY)

    def make_user(self, username, first_name, role, agency_key, title):
        user = User.objects.create_user(
            username,
            password=DEMO_PASSWORD,
            first_name=first_name,
            last_name="Demo",
            email=f"{username}@exempelkommun.invalid",
            is_staff=role == Role.ADMIN,
        )
        user.groups.add(Group.objects.get(name=role))
        if agency_key:
            Membership.objects.create(user=user, agency=self.agency[agency_key], title=title)
        return user

    # --- helpers -------------------------------------------------------------------------

    def refer(self, by, first, last, age, concerns, text, guardians=2, **extra):
        today = self.today
        birthday = dt.date(today.year - age, today.month, min(today.day, 28))  # not 29 February
        born = birthday - dt.timedelta(days=100)
        youth = Youth(
            first_name=first,
            last_name=last,
            birth_date=born,
            gender=extra.pop("gender", "annat"),
            school="Centralskolan",
            grade=str(min(9, age - 6)),
            **extra.pop("youth", {}),
        )
        parents = [
            Guardian(name=f"Vårdnadshavare {i + 1} {last}", phone="070-000 00 00")
            for i in range(guardians)
        ]
        case = services.refer_case(
            self.user[REFERRER[by]],
            youth,
            parents,
            programme="sspf",
            referral_source=by,
            concerns=concerns,
            concern_text=text,
            **extra,
        )
        steps.start(case)
        self.cases.append(case)
        return case

    def accept(self, case, risk="medium", need="moderate", receptivity="good", **more):
        """Anja accepts with her assessment of risk, need and receptivity (RBM) and the outcome
        indicators at the start."""
        anja = self.user["anja"]
        rbm = RBM(risk, need, receptivity, **more)

        def accept():
            services.accept_referral(case, anja, rbm=rbm)
            demo_outcomes.at_start(case, anja)

        steps.complete(case, "assess", anja, accept)

    def consent(self, case, keys, youth_signs=False, days_ago=0, categories=None):
        anja = self.user["anja"]
        signers = [("guardian", g) for g in case.youth.guardians.all()]
        if youth_signs:
            signers.append(("youth", None))
        steps.complete(
            case,
            "obtain_consent",
            anja,
            lambda: services.register_consent(
                case,
                anja,
                method="written",
                valid_from=self.today - dt.timedelta(days=days_ago),
                valid_to=self.today + dt.timedelta(days=365),
                agencies=[self.agency[k] for k in keys],
                categories=categories or InformationCategory.values,
                signed_form=ContentFile(SIGNED_FORM, name=f"{case.number}-samtycke.pdf"),
                signers=signers,
                purpose="Att skola, socialtjänst, polis och fritid ska kunna utbyta information "
                "och planera stödet tillsammans inom SSPF.",
                youth_view="Hen har fått informationen och vill vara med på mötet.",
            ),
        )

    def plan(self, case, keys, days_ahead, kind=MeetingKind.NETWORK):
        anja = self.user["anja"]
        starts = timezone.make_aware(
            dt.datetime.combine(self.today + dt.timedelta(days=days_ahead), dt.time(14, 0))
        )
        return steps.complete(
            case,
            "plan_meeting",
            anja,
            lambda: services.plan_meeting(
                case,
                anja,
                kind=kind,
                starts_at=starts,
                place="Centralskolan, konferensrum 2",
                agencies=[self.agency[k] for k in keys],
            ),
        )

    # --- the cases -------------------------------------------------------------------------

    def lou(self):
        """Seed 004: Lou, 14, school absence, cannabis, a criminal gang; the school refers."""
        case = self.refer(
            "skola",
            "Lou",
            "Exempel",
            14,
            ["school_absence", "substance_use", "criminal_peers"],
            "Ökad skolfrånvaro, har testat positivt på cannabis och har börjat umgås med ett "
            "gäng som betecknas som kriminellt i bostadsområdet. Polisen har tidigare gjort en "
            "orosanmälan till socialtjänsten.",
            protective_factors=["trusted_adult"],
            protective_text="Bra relation med en fritidsledare på fritidsgården.",
            youth={
                "accessibility_needs": "Intellektuell funktionsnedsättning: alla aktörers "
                "åtgärder behöver anpassas."
            },
        )
        self.accept(
            case,
            risk="high",
            need="extensive",
            receptivity="adapt",
            need_areas=("school_absence", "substance_use", "criminal_peers"),
            need_text="Skolnärvaro, cannabis och kamratgänget.",
            comment="Intellektuell funktionsnedsättning: alla insatser behöver anpassas.",
        )
        keys = ["skola", "socialtjanst", "polis", "fritid"]
        self.consent(case, keys, days_ago=14)
        meeting = self.plan(case, keys, days_ahead=-7, kind=MeetingKind.INITIAL)
        due = self.today + dt.timedelta(days=35)
        follow_up = self.today + dt.timedelta(days=3)  # its task is open in Anja's inbox
        goals = [
            {
                "text": "Lou är i skolan minst 90 % av schemalagd tid.",
                "measure": "Närvaro",
                "target_date": due,
            },
            {"text": "Lou är drogfri.", "measure": "Drogtester", "target_date": due},
            {
                "text": "Lou har hittat en fritidsaktivitet.",
                "measure": "Deltar varje vecka",
                "target_date": due,
            },
        ]

        def act(text, party, goal, key=None, intervention=None, **kw):
            """An action, with its intervention from the municipality's catalogue (by name),
            or none: "other", which its text describes."""
            return {
                "text": text,
                "party": party,
                "agency": self.agency.get(key),
                "due_date": due,
                "goal": goal,
                "intervention": self.intervention(intervention) if intervention else None,
                **kw,
            }

        actions = [
            act(
                "Drogtester och behandlingsprogram för cannabisbruket.",
                Party.AGENCY,
                1,
                "socialtjanst",
                intervention="MiniMaria",
            ),
            act(
                "Intensiv familjebehandling, FFT – funktionell familjeterapi.",
                Party.AGENCY,
                1,
                "socialtjanst",
                intervention="FFT (funktionell familjeterapi)",
            ),
            act("Extra stöd för att öka närvaron.", Party.AGENCY, 0, "skola"),  # "other"
            act(
                "Extra anpassningar i skolmiljön.",
                Party.AGENCY,
                0,
                "skola",
                intervention="Anpassat schema",
            ),
            act(
                "Håller kontakt med föräldrarna och kör hem Lou om hen påträffas i olämpliga "
                "miljöer.",
                Party.AGENCY,
                1,
                "polis",
                intervention="Samtal med polis",
            ),
            act(
                "Fritidsledaren pratar vidare med Lou om fritidsintressen.",
                Party.AGENCY,
                2,
                "fritid",
                intervention="Inslussad på fritidsgården",
            ),
            act("Går till skolan varje dag och säger till om något är svårt.", Party.YOUTH, 0),
            act(
                "Deltar i familjebehandlingen.",
                Party.GUARDIAN,
                1,
                guardian=case.youth.guardians.first(),
                intervention="FFT (funktionell familjeterapi)",
            ),
        ]
        self.hold(
            case,
            meeting,
            keys,
            protocol="Samtycket lästes upp. Alla närvarande berättade om sin bild av Lou, hur "
            "oron ser ut och vilka riskfaktorer som finns, och om skyddsfaktorer, "
            "styrkor och resurser. Lou tillfrågades om sina intressen och sin "
            "inställning till SSPF. Åtgärdsplanen togs fram tillsammans.",
            goals=goals,
            actions=actions,
            next_follow_up=follow_up,
        )
        # social services' Sven records the decision on FFT (a consent covers his agency)
        counting.record_social_intervention(case, self.user["sven"], "extensive")

    def hold(self, case, meeting, keys, **record):
        """Anja records ``meeting`` held, with every invited agency, the young person and the
        guardians present: the protocol, goals, actions and next follow-up in ``record``."""
        anja = self.user["anja"]
        steps.complete(
            case,
            "hold_meeting",
            anja,
            lambda: services.hold_meeting(
                case,
                anja,
                meeting,
                attended_agencies=[self.agency[k] for k in keys],
                youth_attended=True,
                guardians_attended=True,
                **record,
            ),
        )

    def intervention(self, name):
        return self.municipality.interventions.get(name=name)

    def referred(self):
        self.refer(
            "polis",
            "Elias",
            "Demosson",
            15,
            ["crime", "criminal_peers"],
            "Påträffad flera gånger sent på kvällen med äldre ungdomar som är kända för "
            "narkotikabrott.",
            gender="pojke",
        )

    def awaiting_consent(self):
        case = self.refer(
            "fritid",
            "Maja",
            "Provsdotter",
            13,
            ["norm_breaking", "violence"],
            "Hot mot andra besökare på fritidsgården vid flera tillfällen.",
            gender="flicka",
        )
        self.accept(case, risk="medium")

    def consented(self):
        case = self.refer(
            "socialtjanst",
            "Noah",
            "Testberg",
            16,
            ["substance_use"],
            "Alkohol vid flera tillfällen, skolan oroar sig för frånvaro.",
            gender="pojke",
        )
        self.accept(case, risk="low")
        # Noah's family agreed to share school and social services information only: the
        # school sees those parts of the case and not the mixed texts.
        self.consent(
            case,
            ["skola", "socialtjanst"],
            youth_signs=True,
            categories=["school", "social_services"],
        )
        counting.record_social_intervention(case, self.user["anja"], "light")

    def meeting_planned(self):
        case = self.refer(
            "skola",
            "Alva",
            "Exempeldotter",
            15,
            ["school_absence", "family"],
            "Hög frånvaro sedan höstlovet och oro för hemsituationen.",
            gender="flicka",
        )
        self.accept(case)
        keys = ["skola", "socialtjanst", "fritid"]
        self.consent(case, keys, youth_signs=True)
        # social services looked into the home situation: no intervention, keep an eye on it
        counting.record_social_intervention(case, self.user["anja"], "keep_watch")
        meeting = self.plan(case, keys, days_ahead=5)
        # the school has given its picture before the meeting (issue 12); the others have not
        records.write_picture(
            meeting,
            self.user["sara"],
            knows="Frånvaron är 35 % sedan höstlovet, mest måndagar.",
            does="Mentorn ringer hem varje måndag; kuratorn träffar Alva varannan vecka.",
            strengths="Alva tycker om bild och har två nära vänner i klassen.",
            risks="Alva säger att hon inte orkar gå hemifrån.",
        )

    def closed(self):
        case = self.refer(
            "skola",
            "Leo",
            "Demoberg",
            14,
            ["school_results"],
            "Sjunkande resultat och konflikter med lärare.",
            gender="pojke",
        )
        self.accept(case, risk="low")
        anja = self.user["anja"]
        counting.record_social_intervention(case, anja, "none")

        def close():
            services.close_case(case, anja, "moved", "Familjen har flyttat till en annan kommun.")
            demo_outcomes.at_closure(case, anja)

        steps.complete(case, "obtain_consent", anja, close)

    def declined(self):
        case = self.refer(
            "polis",
            "Ella",
            "Provberg",
            19,
            ["crime"],
            "Misstänkt för stöld.",
            gender="flicka",
            guardians=0,
        )
        anja = self.user["anja"]
        steps.complete(
            case,
            "assess",
            anja,
            lambda: services.decline_referral(
                case, anja, "outside_target_group", "Över målgruppens åldersgräns."
            ),
        )

    def records(self):
        """Lou's report of concern (made by the police before the referral, seed 004) and a
        journal note; three anonymous consultations, one of which became Elias's referral, the
        others each with why it did not lead to SSPF."""
        anja = self.user["anja"]
        lou, elias = self.cases[0], self.cases[1]
        records.record_concern_report(
            lou,
            anja,
            self.today - dt.timedelta(days=60),
            "Socialtjänsten",
            agency=self.agency["polis"],
        )
        records.write_journal_note(
            lou,
            anja,
            "Samtal med Lou och vårdnadshavarna om SSPF. Lou var först tveksam men vill vara med "
            "på mötet om fritidsledaren också kommer.",
        )
        records.record_consultation(
            anja,
            asked_on=self.today - dt.timedelta(days=20),
            asking_agency=self.agency["skola"],
            age_band="12_14",
            gender="pojke",
            concerns=["school_absence"],
            outcome="advice",
            not_sspf_reason="not_crime_preventive",
        )
        records.record_consultation(
            anja,
            asked_on=self.today - dt.timedelta(days=12),
            asking_agency=self.agency["fritid"],
            age_band="15_17",
            gender="flicka",
            concerns=["norm_breaking"],
            outcome="nothing",
            not_sspf_reason="no_consent",
        )
        asked = records.record_consultation(
            anja,
            asked_on=self.today - dt.timedelta(days=3),
            asking_agency=self.agency["polis"],
            age_band="15_17",
            gender="pojke",
            concerns=["crime", "criminal_peers"],
            outcome="advice",
        )
        records.link_consultation(asked, elias, anja)
