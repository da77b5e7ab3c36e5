"""The role groups and the model permissions each holds; kept in step after every migrate."""

from django.contrib.auth.models import Group, Permission

from .models import Role

CASE_WORK = ["refer_case"]
ROLE_PERMISSIONS = {
    Role.COORDINATOR: ["refer_case", "coordinate_case"],
    Role.SCHOOL: CASE_WORK,
    Role.SOCIAL_SERVICES: CASE_WORK,
    Role.POLICE: CASE_WORK,
    Role.LEISURE: CASE_WORK,
    Role.SAFETY: CASE_WORK,
    Role.STEERING_GROUP: [],
    Role.ADMIN: [],
}


def ensure_roles(**kwargs):
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="sspf_flow", codename__in=codenames)
        )
