"""Named guards of consent: what a consent must name, how it is given and who signs it (seed
004; the municipality sets the ages). Same form as ``guards``: ``None`` or the reason, with
the field it is about."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .guards import _names
from .models import ConsentMethod, InformationCategory, SignerRole
from .refusals import about


def consent_scope_given(agencies, valid_from, valid_to, purpose):
    """Consent must be specific: named agencies, a purpose, and a period with an end."""
    if not agencies:
        return about("agencies", _("A consent must name at least one agency."))
    if not purpose.strip():
        return about("purpose", _("A consent must state its purpose."))
    if not valid_to:
        return about("valid_to", _("A consent must have an end date."))
    if valid_from and valid_to < valid_from:
        return about("valid_to", _("The consent's end date is before its start date."))
    return None


def consent_categories_given(categories):
    """Consent must name the information categories it covers; a blanket consent is refused."""
    if not categories:
        return about("categories", _("A consent must name the information categories it covers."))
    if set(categories) - set(InformationCategory.values):
        return about("categories", _("An information category is not one of the coded categories."))
    return None


def signed_form_attached(method, signed_form):
    """Written consent is registered with the signed form."""
    if method == ConsentMethod.WRITTEN and not signed_form:
        return about("signed_form", _("Written consent needs the signed form (PDF or image)."))
    return None


def oral_consent_documented(method, oral_notes):
    """Oral consent needs notes of how, when and by whom it was taken."""
    if method == ConsentMethod.ORAL and not oral_notes.strip():
        return about(
            "oral_notes", _("Oral consent needs notes of how, when and by whom it was taken.")
        )
    return None


def signers_satisfy_age_rules(youth, signers, youth_view, day):
    """By default (each municipality sets the ages): 18 or older, the young person alone; 15–17,
    the young person and every guardian with custody; under 15, every guardian with custody and
    a note on the young person's own view."""
    age = youth.age_on(day)
    alone = youth.municipality.consent_age_alone
    together = youth.municipality.consent_age_with_guardians
    youth_signed = any(role == SignerRole.YOUTH for role, _guardian in signers)
    signed_guardians = {guardian.pk for role, guardian in signers if guardian is not None}
    custodial = [g for g in youth.guardians.all() if g.has_custody]
    missing = [g for g in custodial if g.pk not in signed_guardians]
    if age >= alone:
        if not youth_signed:
            return about(
                "signers",
                format_lazy(
                    _("The young person is {age} or older and must give consent themself."),
                    age=alone,
                ),
            )
        return None
    if age >= together and not youth_signed:
        return about(
            "signers",
            format_lazy(
                _(
                    "The young person is {low}–{high}: both they and every guardian with "
                    "custody must consent."
                ),
                low=together,
                high=alone - 1,
            ),
        )
    if missing:
        return about(
            "signers",
            format_lazy(
                _("Every guardian with custody must consent; missing: {names}."),
                names=_names(missing),
            ),
        )
    if age < together and not youth_view.strip():
        return about(
            "youth_view",
            format_lazy(
                _("The young person is under {age}: note their own view of the consent."),
                age=together,
            ),
        )
    if not custodial and age < alone:
        return about("signers", _("No guardian with custody is registered for the young person."))
    return None
