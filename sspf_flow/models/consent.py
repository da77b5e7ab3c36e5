"""Consent to share information between agencies (minimal; issue 3 deepens it)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .case import Case
from .network import NetworkPerson
from .org import Agency
from .youth import Guardian


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written")
    ORAL = "oral", _("Oral")


class InformationCategory(models.TextChoices):
    SCHOOL = "school", _("School attendance and results")
    SOCIAL_SERVICES = "social_services", _("Social services' measures")
    POLICE = "police", _("Police information")
    LEISURE = "leisure", _("Leisure")
    HEALTH = "health", _("Health")


class SignerRole(models.TextChoices):
    YOUTH = "youth", _("The young person")
    GUARDIAN = "guardian", _("Guardian")


class ConsentQuerySet(models.QuerySet):
    def write(self, agencies, signers, network=(), **fields):
        """A consent with the agencies it covers, its signers, (SignerRole, Guardian or
        None) pairs, and the network persons it names (saved ones)."""
        consent = self.create(**fields)
        consent.network_persons.set(network)
        ConsentAgency.objects.bulk_create(
            ConsentAgency(consent=consent, agency=agency) for agency in agencies
        )
        ConsentSigner.objects.bulk_create(
            ConsentSigner(consent=consent, role=role, guardian=guardian)
            for role, guardian in signers
        )
        return consent


class Consent(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="consents", verbose_name=_("case")
    )
    method = models.CharField(_("method"), max_length=10, choices=ConsentMethod.choices)
    oral_notes = models.TextField(_("how, when and by whom oral consent was taken"), blank=True)
    categories = models.JSONField(_("information categories"), default=list)
    signed_form = models.FileField(_("signed form"), upload_to="consents/%Y/", blank=True)
    purpose = models.TextField(_("purpose"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    youth_view = models.TextField(_("the young person's own view"), blank=True)
    network_persons = models.ManyToManyField(
        NetworkPerson, blank=True, related_name="consents", verbose_name=_("network persons")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("withdrawal registered by"),
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="consent_period_order"
            )
        ]

    def __str__(self):
        return f"{self.case} {self.valid_from}–{self.valid_to}"

    @property
    def category_labels(self):
        return [
            InformationCategory(c).label for c in self.categories if c in InformationCategory.values
        ]


class ConsentSigner(models.Model):
    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, related_name="signers", verbose_name=_("consent")
    )
    role = models.CharField(_("role"), max_length=10, choices=SignerRole.choices)
    guardian = models.ForeignKey(
        Guardian,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("guardian"),
    )

    class Meta:
        verbose_name = _("signer")
        verbose_name_plural = _("signers")

    def __str__(self):
        return str(self.guardian or self.get_role_display())


class ConsentAgencyQuerySet(models.QuerySet):
    def active_on(self, day):
        """The agency rows that give access on ``day``: neither they nor their consent is
        withdrawn, and the consent's period includes the day."""
        return self.filter(
            withdrawn_at__isnull=True,
            consent__withdrawn_at__isnull=True,
            consent__valid_from__lte=day,
            consent__valid_to__gte=day,
        )


class ConsentAgency(models.Model):
    """One agency covered by a consent; withdrawn for that agency alone when set."""

    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, related_name="scope", verbose_name=_("consent")
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="consent_scopes",
        verbose_name=_("agency"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = ConsentAgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency covered by consent")
        verbose_name_plural = _("agencies covered by consent")
        constraints = [
            models.UniqueConstraint(fields=["consent", "agency"], name="consent_agency_once")
        ]
        indexes = [models.Index(fields=["agency", "withdrawn_at"])]

    def __str__(self):
        return str(self.agency)
