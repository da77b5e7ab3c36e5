"""Append-only case history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .appendonly import AppendOnly
from .case import Case
from .org import Agency


class CaseEvent(AppendOnly):
    """One thing that happened to a case. Rows are written once and never changed."""

    append_only_reason = "Case events are append-only"

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agency"),
    )
    action = models.CharField(_("action"), max_length=60)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case} {self.action}"
