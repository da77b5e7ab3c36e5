"""The demo municipality's operative group (``load_demo`` calls this when the app is
installed): a member of each agency with a mandate, social services' Sven in the chair and
the police's Per as secretary; a series every second week, two meetings held with minutes and
the next one planned, with its agenda: the school's and leisure's pictures of the area, the
joint commitments made at the held ones to follow up (the first's done, the second's open) and
one group of young people (the individual level comes from the demo cases); and its
programmes: the Top 5 list (``demo_top5``), Youngsters' concern talk with Elias Berg
(``demo_youngsters``) and the SIG cohort (``demo_sig``). Fictional, and only where the demo
is loaded."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from operative import commitments, demo_sig, demo_top5, demo_youngsters, services
from operative.models import GroupMeeting, GroupMeetingStatus, GroupMember, OperativeGroup
from sspf_flow.models import Municipality

MEMBERS = [  # username, role, mandate
    ("sven", "chair", "Beslutar om insatser från socialtjänsten"),
    ("per", "secretary", "Kommunpolis för lokalpolisområdet"),
    ("sara", "member", "Kurator, för rektors räkning"),
    ("frida", "member", "Fritidsledare, kallar till mötet"),
    ("tove", "member", "Säkerhetssamordnare, trygghetsvärdarna"),
]
MINUTES = [
    "Lägesbild: oro för samlingar vid centrum fredagkvällar. Fritid utökar kvällsöppet; "
    "polisen gör riktade besök. Följs upp nästa möte.",
    "Uppföljning: färre samlingar vid centrum. Skolan ser ökad frånvaro i årskurs 8; "
    "skolan och fritid planerar en gemensam aktivitet.",
]


PICTURES = {  # username: the picture of the area their agency gives before the next meeting
    "sara": {
        "trends": "Ökad frånvaro i årskurs 8 efter lunch; fler konflikter på rasterna.",
        "places": "Skolgården bakom idrottshallen.",
        "times": "Tisdagar och torsdagar efter lunch.",
        "measures": "Rastvärdar vid idrottshallen; temadag om grupptryck i årskurs 8.",
    },
    "frida": {
        "trends": "Fler yngre besökare på fredagskvällar; några nya ansikten från Norr.",
        "places": "Fritidsgården Navet och torget.",
        "times": "Fredagar 20–23.",
        "measures": "Kvällsöppet till 23 på fredagar; fältassistenter på torget.",
    },
}
COMMITMENTS = [  # (held meeting, agency's member, text, days to due, done with)
    (
        0,
        "frida",
        "Fritid håller fritidsgården Navet öppen till 23 på fredagar under fyra veckor.",
        21,
        "Kvällsöppet hölls alla fyra fredagarna; fler besökare än väntat.",
    ),
    (
        1,
        "sara",
        "Skolan och fritid planerar en gemensam aktivitet för årskurs 8.",
        21,
        None,
    ),
]
GROUP_ITEM = {
    "description": "En grupp om fyra–fem pojkar, 14–15 år, från Norr",
    "area": "Centrumtorget och busshållplatsen vid Centralskolan",
    "seen": "Samlas fredagskvällar, klotter och snatterier har anmälts i butikerna vid torget.",
    "measures": "Fritid bjuder in gruppen till Navet; polisen gör riktade besök fredagskvällar.",
}


class Command(BaseCommand):
    help = "Load the demo municipality's operative group (called by load_demo)."

    def add_arguments(self, parser):
        parser.add_argument("municipality", help="the demo municipality's name")

    @transaction.atomic
    def handle(self, *args, municipality, **options):
        place = Municipality.objects.get(name=municipality)
        if OperativeGroup.objects.filter(municipality=place).exists():
            return
        group = OperativeGroup.objects.create(
            municipality=place,
            name="Operativa gruppen Centrum",
            area="Centrum och Norr: skolorna, fritidsgården Navet och centrumområdet.",
        )
        users = get_user_model().objects.in_bulk(
            [*(m[0] for m in MEMBERS), "cornelia"], field_name="username"
        )
        for username, role, mandate in MEMBERS:
            user = users[username]
            GroupMember.objects.create(group=group, user=user, role=role, mandate=mandate)
        now = timezone.now()
        series = services.plan_series(
            group,
            users["sven"],
            first_day=timezone.localdate(now) + dt.timedelta(days=5),
            time=dt.time(9, 0),
            every_weeks=2,
            place="Stadshuset, rum Ekan",
        )
        # two meetings before it, held: written as they were (the services plan ahead only)
        held = []
        for weeks, minutes in zip((4, 2), MINUTES, strict=True):
            meeting = GroupMeeting.objects.create(
                group=group,
                starts_at=timezone.make_aware(
                    dt.datetime.combine(series.first_day - dt.timedelta(weeks=weeks), series.time)
                ),
                place=series.place,
                status=GroupMeetingStatus.HELD,
                minutes=minutes,
            )
            meeting.present.set(group.members.all())
            held.append(meeting)
        # a joint commitment from each: the first's done, the second's still open (both
        # followed up on the upcoming meeting's agenda)
        for index, username, text, days, done in COMMITMENTS:
            meeting = held[index]
            made = commitments.record_commitment(
                meeting,
                users["per"],
                text=text,
                agency=users[username].membership.agency,
                due=timezone.localdate(meeting.starts_at) + dt.timedelta(days=days),
            )
            if done:
                commitments.update_commitment(made, users[username], status="done", comment=done)
        upcoming = series.meetings.order_by("starts_at").first()
        for username, texts in PICTURES.items():
            services.write_area_picture(upcoming, users[username], **texts)
        services.add_group_item(upcoming, users["per"], **GROUP_ITEM)
        demo_top5.load(group, users)
        demo_youngsters.load(group, users)  # Elias Berg's concern talk and its follow-up
        demo_sig.load(group, users)  # SIG, coached by social services' Cornelia (no member)
