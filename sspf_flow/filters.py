import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import Case, Programme, Role, Status


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    programme = django_filters.ChoiceFilter(label=_("Programme"), choices=Programme.choices)
    coordinator = django_filters.ModelChoiceFilter(
        label=_("Coordinator"),
        queryset=get_user_model()
        .objects.filter(groups__name=Role.COORDINATOR)
        .order_by("first_name"),
    )

    class Meta:
        model = Case
        fields = ["status", "programme", "coordinator"]
