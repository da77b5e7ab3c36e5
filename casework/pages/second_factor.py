"""Two-factor sign-in (issue 15): enrolling an authenticator app, confirming a sign-in with its
code or a recovery code, the recovery codes shown once, and the user's own page to renew them.

The rule of who must is ``access.requires_second_factor``; ``casework.middleware.
SecondFactorMiddleware`` sends a signed-in user who has not confirmed yet to ``verify``. The
devices are django-otp's: one TOTP device (the app) and one static device (the recovery codes,
each usable once). Both are throttled: after a wrong code the next try waits 1, 2, 4 … seconds."""

import base64
import logging
import re

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from sspf_flow import access

log = logging.getLogger("sspf.signin")

RECOVERY_CODES = 10
NEW_CODES = "sspf_mfa_new_codes"  # the session's recovery codes, until the user saved them
NEXT = "sspf_mfa_next"  # where the sign-in was going
WRONG_CODE = _("The code is wrong, has expired or has been used.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits in your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self):
        return re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The six digits the app shows for SSPF now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        return re.sub(r"\s", "", self.cleaned_data["code"])


def confirmed_app(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def keys_available():
    """Whether security keys can be used here at all (a secure SITE_URL; casework.pages.
    security_keys)."""
    return settings.SSPF_SECURITY_KEYS


def keys_of(user):
    """The user's security keys, when keys can be used here."""
    if not keys_available():
        return WebAuthnCredential.objects.none()
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def _next_url(request):
    wanted = request.GET.get("next") or request.session.get(NEXT) or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
        return wanted
    return settings.LOGIN_REDIRECT_URL


def confirmed_next(request):
    """Where a sign-in goes once its second factor is confirmed (and the wish is spent)."""
    target = _next_url(request)
    request.session.pop(NEXT, None)
    return target


def _is_verified(request):
    return access.second_factor_confirmed(request.user, request.session)


def _wait_error(device):
    """The error while a device's throttle lasts, or None."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    return _("Too many wrong codes. Wait a moment and try again.")


@login_required
def verify(request):
    """The second step of signing in: a code from the app or a recovery code."""
    app = confirmed_app(request.user)
    if request.GET.get("next"):
        request.session[NEXT] = request.GET["next"]
    if _is_verified(request):
        return redirect(_next_url(request))
    if app is None:
        return redirect("mfa_setup")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        confirmed = _check(request, model, code)
        if confirmed is True:
            return redirect(confirmed_next(request))
        log.warning("second factor refused: user=%s", request.user.username)
        form.add_error("code", confirmed)
        status = 400
    return TemplateResponse(
        request,
        "casework/mfa_verify.html",
        {"form": form, "keys": keys_of(request.user).exists()},
        status=status,
    )


def _check(request, model, code):
    """True when ``code`` confirms one of the user's devices of ``model`` (and the session is
    then confirmed with it), else the error to show. The device row is locked while its
    throttle is read and written, so that parallel tries cannot pass it."""
    with transaction.atomic():
        device = (
            model.objects.select_for_update()
            .filter(user=request.user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return WRONG_CODE
        error = _wait_error(device)
        if error is not None:
            return error
        if not device.verify_token(code):
            return WRONG_CODE
        otp_login(request, device)
    log.info(
        "second factor confirmed: user=%s by=%s",
        request.user.username,
        "app" if model is TOTPDevice else "recovery code",
    )
    return True


def _qr_svg(url):
    """The enrolment link as an inline SVG QR code (no image service, no script)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")
    return mark_safe(svg)  # noqa: S308 - segno's own markup of our own URL


def _grouped(key):
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@login_required
def setup(request):
    """Enrol an authenticator app (or a new one in place of the old): a QR code and the secret as
    text, confirmed with a code from the app; then ten new recovery codes, shown once. A user who
    has an app already must have confirmed this sign-in with it first."""
    if confirmed_app(request.user) is not None and not _is_verified(request):
        return redirect("mfa_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="app", confirmed=False)
    form = EnrolForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            # locked while its throttle is read and written (parallel tries cannot pass it)
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            error = _wait_error(device)
            confirmed = error is None and device.verify_token(form.cleaned_data["code"])
            if confirmed:
                TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                request.session[NEW_CODES] = new_recovery_codes(request.user)
                otp_login(request, device)
        if confirmed:
            log.info("second factor enrolled: user=%s", request.user.username)
            return redirect("mfa_codes")
        form.add_error("code", error or _("The code does not match. Check the app and try again."))
        status = 400
    secret = _b32(device)
    return TemplateResponse(
        request,
        "casework/mfa_setup.html",
        {"form": form, "qr": _qr_svg(device.config_url), "secret": _grouped(secret)},
        status=status,
    )


def _b32(device):
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def new_recovery_codes(user):
    """Ten new recovery codes in place of the old ones, each usable once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@login_required
def codes(request):
    """The new recovery codes, shown once: until the user says they saved them."""
    shown = request.session.get(NEW_CODES)
    if not shown or not _is_verified(request):
        return redirect("mfa_manage")
    if request.method == "POST":
        del request.session[NEW_CODES]
        return redirect(confirmed_next(request))
    return TemplateResponse(request, "casework/mfa_codes.html", {"codes": shown})


@login_required
def manage(request):
    """The user's own page: whether an app is enrolled, how many recovery codes are left, a new
    app and new codes."""
    if confirmed_app(request.user) is not None and not _is_verified(request):
        return redirect("mfa_verify")
    recovery = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
    return TemplateResponse(
        request,
        "casework/mfa_manage.html",
        {
            "device": confirmed_app(request.user),
            "codes_left": recovery.token_set.count() if recovery else 0,
            "required": access.requires_second_factor(request.user),
            "keys_available": keys_available(),
            "keys": list(keys_of(request.user)),
        },
    )


@require_POST
@login_required
def renew_codes(request):
    app = confirmed_app(request.user)
    if app is None or not _is_verified(request):
        return redirect("mfa_manage")
    request.session[NEW_CODES] = new_recovery_codes(request.user)
    if not access.second_factor_exempt(request.session):
        # the session may have been confirmed with one of the old codes, now gone
        otp_login(request, app)
    request.session[NEXT] = reverse("mfa_manage")
    log.info("recovery codes renewed: user=%s", request.user.username)
    return redirect("mfa_codes")
