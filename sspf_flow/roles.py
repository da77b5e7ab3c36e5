"""The role groups and the permissions each holds, kept in step after every migrate; and the
record of every role given or taken (``RoleChange``).

A role is given or taken by adding a user to a group or removing them, wherever that happens
(the admin, the shell, the demo loader). ``role_membership_changed`` receives Django's
``m2m_changed`` for ``User.groups`` from either side and is the only writer of the record, so one
change is recorded once. The admin names who did it with ``changed_by``; elsewhere the actor is
unknown and recorded as none.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import Group, Permission, User
from django.db.models import Q
from django.utils import timezone

from . import access
from .models import Role, RoleChange

REFER = ("sspf_flow", "refer_case")  # the flow's start; who may refer is access.can_refer
COORDINATE = ("sspf_flow", "coordinate_case")
ROLE_PERMISSIONS = {
    **{role: [REFER] for role in access.CASE_ROLES},
    Role.COORDINATOR: [REFER, COORDINATE],
    Role.STEERING_GROUP: [],
    # What the administrator configures in /admin/: the organisation, never a case model.
    Role.ADMIN: [
        (app, f"{verb}_{model}")
        for app, model in [
            ("sspf_flow", "municipality"),
            ("sspf_flow", "agency"),
            ("sspf_flow", "membership"),
            ("auth", "user"),
        ]
        for verb in ("view", "add", "change")
    ]
    # the catalogue of interventions; an entry actions use is protected (the admin says so)
    + [("sspf_flow", f"{verb}_intervention") for verb in ("view", "add", "change", "delete")]
    + [("sspf_flow", f"{verb}_retentionrule") for verb in ("view", "add", "change", "delete")]
    + [
        ("auth", "view_group"),
        ("notifications", "view_outbox"),
        ("notifications", "change_outbox"),
    ],
}


def ensure_roles(**kwargs):
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = Q(pk__in=[])
        for app_label, codename in permissions:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))


# The record of role changes

_actor = ContextVar("sspf_role_change_actor", default=None)


@contextmanager
def changed_by(actor):
    """Role changes made inside the block are recorded as ``actor``'s."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def record_role_changes(pairs, granted):
    """Record that each (user id, group id) in ``pairs`` was granted or removed, by the actor
    ``changed_by`` names (or none)."""
    pairs = list(pairs)
    if not pairs:
        return
    names = dict(Group.objects.filter(pk__in={g for _u, g in pairs}).values_list("pk", "name"))
    actor, now = _actor.get(), timezone.now()
    RoleChange.objects.bulk_create(
        RoleChange(at=now, actor=actor, user_id=user_id, role=names[group_id], granted=granted)
        for user_id, group_id in pairs
    )


def _pairs(instance, reverse, pk_set):
    """(user id, group id) pairs from either side of the relation."""
    if reverse:  # group.user_set.…(users)
        return [(user_id, instance.pk) for user_id in pk_set]
    return [(instance.pk, group_id) for group_id in pk_set]


def _present(instance, reverse, pk_set):
    """The pairs that exist now: of those named (``remove`` names any), or all (``clear``)."""
    side = "group_id" if reverse else "user_id"
    rows = User.groups.through.objects.filter(**{side: instance.pk})
    if pk_set is not None:
        rows = rows.filter(**{("user_id" if reverse else "group_id") + "__in": pk_set})
    return list(rows.values_list("user_id", "group_id"))


def role_membership_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Django sends this inside the transaction that changes the rows: ``post_add`` names only
    the groups that were missing; removals are read before the rows go."""
    if action == "post_add":
        record_role_changes(_pairs(instance, reverse, pk_set), granted=True)
    elif action == "pre_remove":
        record_role_changes(_present(instance, reverse, pk_set), granted=False)
    elif action == "pre_clear":
        record_role_changes(_present(instance, reverse, None), granted=False)
