"""Who gave or took which role of whom, and when: the record the log reviewer reads."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .appendonly import AppendOnly
from .org import Role


class RoleChange(AppendOnly):
    """One role granted to or removed from one user. ``actor`` is who did it in the admin; null
    when the change came from elsewhere (the shell, the demo loader, a data import)."""

    append_only_reason = "The record of role changes is append-only"

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    # The group's name; a group that is not one of the roles keeps its own name.
    role = models.CharField(_("role"), max_length=150, choices=Role.choices)
    granted = models.BooleanField(_("granted"), help_text=_("Granted, or else removed."))

    class Meta:
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self):
        change = "+" if self.granted else "-"
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {change}{self.role}"
