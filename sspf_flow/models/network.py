"""The young person's network (seed 004: relatives and people who matter, such as a coach or a
sports leader): named on a consent, invited to meetings, responsible for actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .case import Case


class NetworkPersonQuerySet(models.QuerySet):
    def covered_on(self, day):
        """The persons a consent names that is neither withdrawn nor outside its period on
        ``day`` (as ``ConsentAgency.objects.active_on`` for agencies)."""
        return self.filter(
            consents__withdrawn_at__isnull=True,
            consents__valid_from__lte=day,
            consents__valid_to__gte=day,
        ).distinct()


class NetworkPerson(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="network", verbose_name=_("case")
    )
    name = models.CharField(_("name"), max_length=150)
    relation = models.CharField(_("relation to the young person"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = NetworkPersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("network person")
        verbose_name_plural = _("network persons")
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.relation})"
