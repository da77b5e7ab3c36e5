"""Form templates as data: a municipality's template per kind, its versions (draft → published →
retired) holding the fields (see ``forms.schema``), and submissions pinned to the version they
were made with."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sspf_flow.models.appendonly import AppendOnly


class FormKind(models.TextChoices):
    REFERRAL = "referral", _("Referral: extra questions")
    CONSENT = "consent", _("Consent form")
    PROTOCOL = "protocol", _("Meeting protocol")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CHECKLIST = "checklist", _("Coordinator's checklist")
    INFORMATION = "information", _("Information to the young person and guardians")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class FormTemplate(models.Model):
    municipality = models.ForeignKey(
        "sspf_flow.Municipality",
        on_delete=models.PROTECT,
        related_name="form_templates",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FormKind.choices)
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("form template")
        verbose_name_plural = _("form templates")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="form_template_per_kind")
        ]

    def __str__(self):
        return self.name

    @property
    def published(self):
        return FormVersion.objects.published_for(self.municipality_id, self.kind)


class FormVersionQuerySet(models.QuerySet):
    def published_for(self, municipality, kind):
        """The version of the municipality's template of ``kind`` the process uses now, or
        None."""
        return (
            self.select_related("template")
            .filter(
                template__municipality=municipality,
                template__kind=kind,
                status=VersionStatus.PUBLISHED,
            )
            .first()
        )


class FormVersion(models.Model):
    """The fields of one version. Only a draft's fields change; publishing freezes them."""

    template = models.ForeignKey(
        FormTemplate, on_delete=models.CASCADE, related_name="versions", verbose_name=_("template")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    fields = models.JSONField(_("fields"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = FormVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="form_version_once"),
            models.UniqueConstraint(
                fields=["template"],
                condition=Q(status="published"),
                name="form_one_published_version",
            ),
        ]

    def __str__(self):
        return f"{self.template} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and self.status != VersionStatus.DRAFT:
            stored = FormVersion.objects.filter(pk=self.pk).values_list("fields", flat=True).first()
            if stored is not None and stored != self.fields:
                raise ValueError("A published or retired version's fields never change")
        super().save(*args, **kwargs)


class Submission(AppendOnly):
    """Answers to one version, as made; a correction is a new submission."""

    append_only_reason = "Submissions are kept as they were made; submit again to correct"

    version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("version")
    )
    case = models.ForeignKey(
        "sspf_flow.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="form_submissions",
        verbose_name=_("case"),
    )
    about = models.CharField(_("about"), max_length=30, blank=True)  # e.g. "meeting"
    about_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "about", "about_id"])]

    def __str__(self):
        return f"{self.version} {self.created_at:%Y-%m-%d}"
