"""The young person a programme entry names (``models.ProgrammeEntry.youth``): the form that
asks for them and the one way they are found or made. A person already known in the
municipality by their personal identity number is the same ``Youth`` (so their access log and
their SSPF case meet); otherwise a new one is made."""

from django import forms
from django.utils import timezone
from stdnum.se import personnummer

from sspf_flow import record_guards
from sspf_flow.models import Youth

from .forms import explain

PERSON_FIELDS = ("first_name", "last_name", "personal_number", "birth_date", "gender")


class PersonForm(forms.ModelForm):
    """The person's name, identity number (optional), birth date and gender."""

    class Meta:
        model = Youth
        fields = PERSON_FIELDS
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        cleaned = super().clean()
        number, born = cleaned.get("personal_number"), cleaned.get("birth_date")
        explain(self, record_guards.birth_date_fits(number, born, timezone.localdate()))
        return cleaned


def youth_for(municipality, person):
    """The ``Youth`` a valid ``PersonForm``'s data names in ``municipality``: the one with the
    same personal identity number, or a new one."""
    data = {name: person.cleaned_data[name] for name in PERSON_FIELDS}
    if data["personal_number"]:
        number = data["personal_number"] = personnummer.format(data["personal_number"])
        known = Youth.objects.filter(municipality=municipality, personal_number=number).first()
        if known is not None:
            return known
    return Youth.objects.create(municipality=municipality, **data)
