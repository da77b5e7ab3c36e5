"""The demo group's Youngsters (``load_demo_group`` calls ``load``): one young person, Elias
Berg (fictional, no identity number), with a concern talk held at home ten days ago (the
guardians and Elias there, two measures agreed) and the follow-up planned in about two weeks.
The held talk is written as it was (the services plan ahead only); the rest goes through
``youngsters``."""

import datetime as dt

from django.utils import timezone

from sspf_flow.models import AgencyKind, Youth

from . import youngsters
from .models import AgreedMeasure, ConcernTalk, TalkKind, TalkPlace, TalkStatus

NOTICED = (
    "Polisen har stoppat Elias två gånger med äldre kamrater vid centrum sent på kvällen; "
    "skolan ser ökad frånvaro på fredagar."
)
RECORD = (
    "Hembesök hos familjen. Mamma och pappa oroliga för kvällarna; Elias vill fortsätta med "
    "fotbollen. Överens om hemkomsttider och att socialtjänsten erbjuder kontakt med "
    "fältassistenterna."
)
MEASURES = [
    ("Elias är hemma senast 21 på vardagar och 23 på helger.", "guardian", None),
    ("Socialtjänsten ordnar ett första möte med fältassistenterna.", "social_services", 7),
]


def load(group, users):
    """Elias Berg's track in ``group``; ``users`` by username (``per`` of the police and
    ``sven`` of social services are members)."""
    now = timezone.now()
    youth = Youth.objects.create(
        municipality=group.municipality,
        first_name="Elias",
        last_name="Berg",
        birth_date=timezone.localdate(now) - dt.timedelta(days=14 * 365 + 100),
        gender="pojke",
    )
    track = youngsters.take_up(group, users["per"], youth, noticed=NOTICED)
    pair = list(
        group.members.filter(
            user__in=[users["per"], users["sven"]],
            agency__kind__in=[AgencyKind.POLICE, AgencyKind.SOCIAL_SERVICES],
        )
    )
    talk_day = timezone.localtime(now - dt.timedelta(days=10)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    # taken up a week before the talk (the history is written as it was: the door dates today)
    track.opened_on = talk_day.date() - dt.timedelta(days=7)
    track.save(update_fields=["opened_on"])
    talk = ConcernTalk.objects.create(
        track=track,
        kind=TalkKind.TALK,
        starts_at=talk_day,
        where=TalkPlace.HOME,
        status=TalkStatus.HELD,
        guardians_present=True,
        youth_present=True,
        record=RECORD,
        planned_by=users["per"],
        recorded_by=users["per"],
        recorded_at=talk_day + dt.timedelta(hours=2),
    )
    talk.participants.set(pair)
    for text, responsible, days in MEASURES:
        due = talk_day.date() + dt.timedelta(days=days) if days else None
        AgreedMeasure.objects.create(talk=talk, text=text, responsible=responsible, due=due)
    follow_up = timezone.localtime(now + dt.timedelta(days=14)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    youngsters.plan_talk(
        track,
        users["sven"],
        kind=TalkKind.FOLLOW_UP,
        starts_at=follow_up,
        where=TalkPlace.HOME,
        participants=pair,
    )
    return track
