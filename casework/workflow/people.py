"""The people a meeting's record names: who may chair it or take its minutes, and how a person
is shown in a choice (name and agency)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q


def participants(meeting):
    """Who may chair a meeting or take its minutes: the case's coordinator and the active staff
    of the agencies invited (the service checks that they took part)."""
    if meeting is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(pk=meeting.case.coordinator_id)
            | Q(membership__agency__in=meeting.invited_agencies.all())
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class Person(forms.ModelChoiceField):
    def label_from_instance(self, user):
        membership = getattr(user, "membership", None)
        name = user.get_full_name() or user.get_username()
        return f"{name}, {membership.agency}" if membership else name
