"""Who looked at or changed which case, and whether they had a lawful basis at that moment."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .appendonly import AppendOnly
from .case import Case
from .org import Agency
from .youth import Youth


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CHANGE = "change", _("Changed")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")
    REFUSED = "refused", _("Refused")  # asked for a case the rules did not let them see


class AccessLog(AppendOnly):
    """Append-only: a row is written once and never changed or deleted by the application."""

    append_only_reason = "The access log is append-only"

    at = models.DateTimeField(_("time"), db_index=True)
    # user, case and young person: no index of their own; the (…, at) indexes below serve
    # every lookup by them, and each index more is written with every row (issue 11: a page's
    # log insert wrote ten index entries a row)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
        db_index=False,
    )
    agency = models.ForeignKey(
        Agency, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    roles = models.CharField(_("role"), max_length=100)
    case = models.ForeignKey(
        Case,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case"),
        db_index=False,
    )
    youth = models.ForeignKey(
        Youth,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("young person"),
        db_index=False,
    )
    what = models.CharField(_("what"), max_length=100)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True)
    had_basis = models.BooleanField(
        _("lawful basis"),
        help_text=_("The user's role or an active consent covering their agency allowed it."),
    )

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["case", "at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["youth", "at"]),
            # the review's flag: the few rows without a lawful basis, counted on every view
            models.Index(
                fields=["case"], condition=models.Q(had_basis=False), name="accesslog_no_basis"
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.case}"
