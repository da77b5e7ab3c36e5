"""Security keys and passkeys (WebAuthn) as a second factor (issue 15), beside the authenticator
app: added on the user's own page once this sign-in is confirmed, then offered on the second
step of every sign-in. django-otp-webauthn holds the keys (a django-otp device each) and checks
the browser's answers with py_webauthn; these views are its JSON views with our rules, our
log lines and Swedish messages, driven by ``casework/static/casework/security_key.js``.

A key is never a way in alone (``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN`` is off): the user has
signed in with their password first. Keys work only where ``SITE_URL`` is a secure origin
(``settings.SSPF_SECURITY_KEYS``; ``project.environment.relying_party``)."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.models import WebAuthnCredential

from sspf_flow import access

from . import second_factor

log = logging.getLogger("sspf.signin")

# What the browser is told when the server refuses a step (django-otp-webauthn's own texts
# are English), by the library's error code.
REFUSALS = {
    "user_not_verified": _("Confirm this sign-in with your app first; then add a key."),
    "not_authenticated": _("You are not logged in. Log in again."),
    "invalid_state": _("The key took too long or the page was old. Try again."),
    "credential_not_found": _("That key is not registered for your account."),
    "credential_user_mismatch": _("That key is not registered for your account."),
    "credential_disabled": _("That key is not registered for your account."),
}
NOT_ACCEPTED = _("The key's answer was not accepted. Try again, or use a code.")


class _Swedish:
    """The library's refusals, in Swedish and without its technical details."""

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            log.warning(
                "security key refused: user=%s step=%s code=%s",
                self.request.user.username,
                type(self).__name__,
                exc.code,
            )
            detail = REFUSALS.get(exc.code, NOT_ACCEPTED)
            return JsonResponse({"detail": str(detail), "code": exc.code}, status=exc.status_code)
        return super().handle_exception(exc)


class _Adding(_Swedish):
    def check_can_register(self):
        if not second_factor.keys_available():
            raise exceptions.NotAuthenticated()
        if not access.may_add_security_key(self.request.user):
            raise exceptions.NotVerified()


class AddBegin(_Adding, views.BeginCredentialRegistrationView):
    pass


class AddComplete(_Adding, views.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        log.info("security key added: user=%s", self.request.user.username)
        return response


class _Confirming(_Swedish):
    def check_can_authenticate(self):
        if not second_factor.keys_available() or not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        super().check_can_authenticate()


class ConfirmBegin(_Confirming, views.BeginCredentialAuthenticationView):
    pass


class ConfirmComplete(_Confirming, views.CompleteCredentialAuthenticationView):
    """The sign-in confirmed with a key; the browser goes on where the sign-in was going."""

    def get_success_url(self):
        return second_factor.confirmed_next(self.request)

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)  # a refusal raises: handle_exception
        log.info("second factor confirmed: user=%s by=security key", self.request.user.username)
        return response


@require_POST
@login_required
def remove(request, pk):
    """A key of the user's own removed, from a confirmed sign-in."""
    if not access.second_factor_confirmed(request.user, request.session):
        return redirect("mfa_verify")
    key = get_object_or_404(WebAuthnCredential, pk=pk, user=request.user)
    key.delete()
    log.info("security key removed: user=%s", request.user.username)
    return redirect("mfa_manage")
