"""Who a user is at the municipality's identity provider (single sign-on, ``sspf_flow.sso``).

A user signing in through the provider is found by the provider's ``sub`` claim together with
its issuer, never by e-mail address: an address can be given to someone else later, the pair
is never reused."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalIdentity(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("user"),
    )
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("identifier at the provider"), max_length=255)
    created = models.DateTimeField(_("first sign-in"), auto_now_add=True)
    last_sign_in = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="external_identity_unique_subject"
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.issuer})"
