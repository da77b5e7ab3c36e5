"""The demo group's Top 5 (``load_demo_group`` calls ``load``): a selection meeting some eleven
weeks ago and one three weeks ago, four persons on the list (two chosen at each; one on
another named ground, the rest on OSL 10 ch. 18 a §) with a few measures, and one earlier
person, replaced at the latest selection. Fictional people, no identity numbers; written
through the services, then dated as it happened."""

import datetime as dt

from django.utils import timezone

from sspf_flow.models import Youth

from . import top5
from .models import Top5EndReason, Top5Entry, Top5LegalGround, Top5Selection

OSL = Top5LegalGround.OSL_10_18A
PERSONS = [  # first, last, gender, age, chosen at (0: the earlier, 1: the latest), ground, reason
    ("Sixten", "Lundmark", "pojke", 19, 0, OSL, "Driver en grupp yngre vid centrum; narkotika."),
    ("Elton", "Vikström", "pojke", 17, 0, OSL, "Upprepade rån mot jämnåriga, narkotikabruk."),
    ("Jonna", "Ekholm", "flicka", 16, 0, OSL, "Utnyttjas av äldre; försvunnen flera nätter."),
    ("Kevin", "Dahlgren", "pojke", 18, 1, Top5LegalGround.OTHER, "Nyckelperson i gruppen."),
    ("Milo", "Forsberg", "pojke", 15, 1, OSL, "Dras in i gruppen kring Kevin, skolk."),
]
OTHER_GROUND = "OSL 10 kap. 2 § (nödvändigt för att fullgöra verksamheten)"
MEASURES = {  # last name: [(agency's member, what, weeks ago, status, comment)]
    "Lundmark": [("per", "Riktade samtal om att lämna gruppen", 10, "done", "")],
    "Vikström": [
        ("sven", "Utredning enligt SoL 11 kap. 1 §", 10, "done", ""),
        ("per", "Kontaktsamtal varannan vecka", 9, "ongoing", ""),
    ],
    "Ekholm": [
        ("sven", "Placering utreds tillsammans med vårdnadshavare", 9, "ongoing", ""),
        ("per", "Orosanmälan följs upp vid varje försvinnande", 8, "open", ""),
    ],
    "Dahlgren": [("per", "Riktade kontroller kvällstid", 2, "not_done", "Flyttade tillfälligt.")],
}


def _born(age, today):
    return dt.date(today.year - age, 3, 14)


def load(group, users):
    """Top 5 of ``group`` (``users``: username → User; ``per`` of the police and ``sven`` of
    social services are its members)."""
    today = timezone.localdate()
    selections = [
        top5.record_selection(
            group, users["sven"], held_on=today - dt.timedelta(weeks=weeks), note=note
        )
        for weeks, note in ((11, "Första urvalet."), (3, "En ersattes, två nya valdes."))
    ]
    # the earlier selection's time: the reminder for it was sent then
    Top5Selection.objects.filter(pk=selections[0].pk).update(reminded_at=timezone.now())
    entries = {}
    for first, last, gender, age, chosen, ground, reason in PERSONS:
        youth = Youth.objects.create(
            municipality=group.municipality,
            first_name=first,
            last_name=last,
            gender=gender,
            birth_date=_born(age, today),
        )
        if chosen == 1 and entries["Lundmark"].ended_on is None:
            entries["Lundmark"] = top5.end_entry(
                entries["Lundmark"],
                users["sven"],
                ended_on=selections[1].held_on,
                end_reason=Top5EndReason.REPLACED,
            )
        selection = selections[chosen]
        entry = top5.add_entry(
            group,
            users["per"],
            youth,
            selection=selection,
            reason=reason,
            legal_ground=ground,
            other_ground=OTHER_GROUND if ground == Top5LegalGround.OTHER else "",
        )
        moment = timezone.make_aware(dt.datetime.combine(selection.held_on, dt.time(15, 0)))
        Top5Entry.objects.filter(pk=entry.pk).update(added_at=moment)
        entries[last] = entry
        for username, what, weeks, status, comment in MEASURES.get(last, []):
            top5.add_measure(
                entry,
                users[username],
                agency=users[username].membership.agency,
                what=what,
                started_on=today - dt.timedelta(weeks=weeks),
                status=status,
                comment=comment,
            )
    return entries
