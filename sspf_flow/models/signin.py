"""The user's running sign-ins (issue 15): one row per login, so that they can see where they
are signed in and end the other sessions. Removed at logout; sspf_flow.sessions keeps it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignIn(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sign_ins",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session"), max_length=40, unique=True)
    started = models.DateTimeField(_("signed in"), default=timezone.now)
    last_seen = models.DateTimeField(_("last active"), default=timezone.now)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    browser = models.CharField(_("browser"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-ins")
        indexes = [models.Index(fields=["user", "last_seen"])]

    def __str__(self):
        return f"{self.user} {self.started:%Y-%m-%d %H:%M}"
