"""Builders of the programmes' tests (issue 13: Top 5 and SIG): fictional people put on their
lists. The group and the people in general come from ``builders``."""

from sspf_flow.models import Youth
from tests.builders import born_aged, operative_group

# --- Top 5 (issue 13, 5) ------------------------------------------------------------------------
TOP5_REASON = "Rån mot jämnåriga och narkotikabruk."


def top5_group(users, agencies):
    """The operative group with leisure's Frida a member too (she must not see Top 5)."""
    from operative.models import GroupMember

    group = operative_group(users, agencies)
    GroupMember.objects.create(group=group, user=users["fritid"], role="member")
    return group


def top5_person(group, first_name, last_name, age=17):
    return Youth.objects.create(
        municipality=group.municipality, first_name=first_name, last_name=last_name,
        gender="pojke", birth_date=born_aged(age),
    )  # fmt: skip


def top5_on_the_list(group, user, selection, first_name, last_name, **more):
    """A new fictional person put on the list by ``user`` (OSL 10:18 a)."""
    from operative import top5

    data = {"selection": selection, "reason": TOP5_REASON, "legal_ground": "osl_10_18a", **more}
    return top5.add_entry(group, user, top5_person(group, first_name, last_name), **data)


# --- SIG (issue 13, 6) -----------------------------------------------------------------------

# fictional young people on the police's priority list
SIG_NAMES = [
    ("Noel", "Strandberg"),
    ("Wilma", "Ekholm"),
    ("Arvid", "Lindqvist"),
    ("Tilda", "Sjöberg"),
    ("Melvin", "Hedlund"),
    ("Saga", "Forsell"),
]


def sig_person(group, user, listed_on, n=0):
    """The ``n``-th fictional young person (``SIG_NAMES``) put on the group's SIG priority list
    by ``user`` since ``listed_on``."""
    from operative import sig

    first, last = SIG_NAMES[n % len(SIG_NAMES)]
    youth = Youth.objects.create(
        municipality=group.municipality,
        first_name=first,
        last_name=last,
        birth_date=born_aged(16),
        gender="pojke" if n % 2 == 0 else "flicka",
    )
    return sig.put_on_list(group, user, youth=youth, listed_on=listed_on)
