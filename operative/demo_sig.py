"""The demo group's SIG (seed 002, in its style): eight young people on the police's priority
list; five accepted the offer and were taken into the cohort "Pilotomgång" (three boys, two
girls) coached by social services' youth coach Cornelia (not a member of the group); two
declined (one does not want to work with the police, one family said no); one is offered and
has not answered.
One of the five is closed (moved from the municipality); the others have status notes.
Fictional people, no identity numbers; everything through the one door ``operative.sig``."""

import datetime as dt

from django.utils import timezone

from sspf_flow.models import Youth

from . import sig

# first name, last name, gender, age
COHORT = [
    ("Elton", "Bergqvist", "pojke", 16),
    ("Hugo", "Lindgren", "pojke", 17),
    ("Malte", "Öberg", "pojke", 15),
    ("Nora", "Sundin", "flicka", 16),
    ("Ines", "Wallin", "flicka", 17),
]
DECLINED = [
    ("Viggo", "Holmström", "pojke", 17, "no_police"),
    ("Leah", "Nyberg", "flicka", 16, "family_says_no"),
]
PENDING = ("Milo", "Ekström", "pojke", 15)
# per person in the cohort: (days ago, crimes, drugs, school or work, months without a crime,
# comment); the closed one (Hugo) has one note before he moved
NOTES = {
    "Elton": [
        (40, "yes", "yes", "no", None, "Fortsatt aktiv i gänget; träffar coachen varje vecka."),
        (5, "no", "yes", "yes", 1, "Har börjat på praktik två dagar i veckan."),
    ],
    "Hugo": [(45, "unknown", "no", "yes", None, "Familjen planerar att flytta.")],
    "Malte": [(10, "yes", "no", "no", None, "Ny anmälan om stöld; skolan ordnar studiero.")],
    "Nora": [(7, "no", "no", "yes", 10, "Inget känt brott på tio månader; går i skolan.")],
    "Ines": [(3, "no", "yes", "yes", 3, "Narkotikabruket är fortsatt ett problem.")],
}


def _youth(group, first, last, gender, age, today):
    born = dt.date(today.year - age, 3, 15)
    return Youth.objects.create(
        municipality=group.municipality,
        first_name=first,
        last_name=last,
        birth_date=born,
        gender=gender,
    )


def load(group, users):
    """SIG in the demo ``group``; ``users``: the demo's users by username (per, sven, cornelia)."""
    per, sven, coach = users["per"], users["sven"], users["cornelia"]
    today = timezone.localdate()

    def ago(days):
        return today - dt.timedelta(days=days)

    cohort = sig.make_cohort(group, sven, name="Pilotomgång", started_on=ago(60), coach=coach)
    for first, last, gender, age in COHORT:
        entry = sig.put_on_list(
            group, per, youth=_youth(group, first, last, gender, age, today), listed_on=ago(90)
        )
        sig.record_offer(entry, sven, offered_on=ago(80))
        sig.record_answer(entry, sven, answer="accepted", answered_on=ago(75))
        sig.take_in(entry, sven, cohort=cohort, consented_on=ago(70), joined_on=ago(60))
        for days, crimes, drugs, school, months, comment in NOTES[first]:
            sig.record_status(
                entry,
                coach,
                day=ago(days),
                crimes=crimes,
                drugs=drugs,
                school_or_work=school,
                months_without_crime=months,
                comment=comment,
            )
        if first == "Hugo":
            sig.close(entry, sven, closed_on=ago(20), closure_reason="moved")
    for first, last, gender, age, reason in DECLINED:
        entry = sig.put_on_list(
            group, per, youth=_youth(group, first, last, gender, age, today), listed_on=ago(90)
        )
        sig.record_offer(entry, sven, offered_on=ago(80))
        sig.record_answer(
            entry, sven, answer="declined", answered_on=ago(78), declined_reason=reason
        )
    entry = sig.put_on_list(group, per, youth=_youth(group, *PENDING, today), listed_on=ago(14))
    sig.record_offer(entry, per, offered_on=ago(4))
    return cohort
