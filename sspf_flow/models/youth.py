"""The young person and their guardians."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import personnummer

from .org import Municipality


class Gender(models.TextChoices):
    GIRL = "flicka", _("Girl")
    BOY = "pojke", _("Boy")
    OTHER = "annat", _("Other / not stated")


def validate_personal_number(value):
    """A Swedish personal identity number (personnummer), checksum included."""
    try:
        personnummer.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("Not a valid personal identity number (ÅÅÅÅMMDD-NNNN)."), code="invalid"
        ) from exc


class Youth(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    personal_number = models.CharField(
        _("personal identity number"),
        max_length=13,
        blank=True,
        validators=[validate_personal_number],
    )
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    school = models.CharField(_("school"), max_length=150, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=60, blank=True)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)

    class Meta:
        verbose_name = _("young person")
        verbose_name_plural = _("young people")

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        if self.personal_number:
            self.personal_number = personnummer.format(self.personal_number)
        super().save(*args, **kwargs)

    def age_on(self, day):
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class Guardian(models.Model):
    youth = models.ForeignKey(
        Youth, on_delete=models.CASCADE, related_name="guardians", verbose_name=_("young person")
    )
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    has_custody = models.BooleanField(_("has custody"), default=True)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["pk"]

    def __str__(self):
        return self.name
