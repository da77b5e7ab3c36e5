"""A young person's request for a register extract (GDPR art. 15, *registerutdrag*): when it
came in and how, who registered it, and when, how and by whom the extract was handed over.
The extract itself is made from what is stored when it is printed (``reporting.extract``);
nothing of it is kept here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReceivedHow(models.TextChoices):
    LETTER = "letter", _("By letter")
    DIGITAL = "digital", _("Digitally (e-mail or e-service)")
    IN_PERSON = "in_person", _("In person")


class HandedOverHow(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    POST = "post", _("By post")
    DIGITAL = "digital", _("Digitally (secure e-mail or e-service)")


class RegisterRequest(models.Model):
    """One request. ``youth`` is the register entry the coordinator found; the extract covers
    every entry of the municipality with the same personal identity number (a young person
    referred twice has two)."""

    youth = models.ForeignKey(
        "sspf_flow.Youth",
        on_delete=models.PROTECT,
        related_name="register_requests",
        verbose_name=_("young person"),
    )
    received_on = models.DateField(_("request received on"))
    received_how = models.CharField(
        _("request received"), max_length=10, choices=ReceivedHow.choices
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered"))
    printed_at = models.DateTimeField(_("extract last printed"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    handed_over_how = models.CharField(
        _("handed over how"), max_length=10, choices=HandedOverHow.choices, blank=True
    )

    class Meta:
        verbose_name = _("register extract request")
        verbose_name_plural = _("register extract requests")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(handed_over_at__isnull=True)
                | (~models.Q(handed_over_how="") & models.Q(handed_over_by__isnull=False)),
                name="register_request_handed_over_fully",
            )
        ]

    def __str__(self):
        return f"{self.youth_id} {self.received_on:%Y-%m-%d}"

    @property
    def handed_over(self):
        return self.handed_over_at is not None
