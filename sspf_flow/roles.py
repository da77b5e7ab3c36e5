"""The role groups and the permissions each holds; kept in step after every migrate."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from . import access
from .models import Role

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
