import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from sspf_flow import access
from sspf_flow.models import Case, Programme, Role, Status


def coordinators_for(request):
    """The coordinators of the user's own municipality (none of another's)."""
    agency = access.agency_of(request.user) if request else None
    if agency is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            groups__name=Role.COORDINATOR,
            membership__agency__municipality_id=agency.municipality_id,
        )
        .order_by("first_name")
    )


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    programme = django_filters.ChoiceFilter(label=_("Programme"), choices=Programme.choices)
    coordinator = django_filters.ModelChoiceFilter(
        label=_("Coordinator"), queryset=coordinators_for
    )

    class Meta:
        model = Case
        fields = ["status", "programme", "coordinator"]
