"""The single sign-on's pages (``sspf_flow.sso`` does the work): the start of a sign-in at the
municipality's identity provider, the return from it with the refusal and failure pages, and
the admin's login when passwords are switched off.

These pages are for visitors who are not signed in, like the login page itself, and show
nothing of anyone: a refusal names no user, role or agency."""

import logging

import requests
from django.contrib import admin, auth
from django.contrib.auth.views import LogoutView, redirect_to_login
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from sspf_flow import sso

log = logging.getLogger(__name__)

# The provider cannot be reached, or its answers cannot be used (logged for the operator).
PROVIDER_TROUBLE = (requests.RequestException, ValueError, KeyError, ImproperlyConfigured)

MESSAGES = {
    sso.Refused.NO_ACCESS: (
        _("No access to SSPF"),
        _(
            "Your account at the municipality gives no access to SSPF: access follows the "
            "groups your account belongs to at the municipality. If you need SSPF for your "
            "work, contact SSPF's administrator or the municipality's IT support."
        ),
        403,
    ),
    sso.Refused.SEVERAL_AGENCIES: (
        _("No access to SSPF"),
        _(
            "Your account at the municipality belongs to groups of more than one agency, and "
            "in SSPF you work for one. Ask the municipality's IT support to leave your account "
            "in the group of one agency."
        ),
        403,
    ),
    sso.Refused.NO_AGENCY: (
        _("No access to SSPF"),
        _(
            "Your account at the municipality gives a role in SSPF but no agency to work for. "
            "Ask the municipality's IT support to add your account to your agency's group."
        ),
        403,
    ),
    sso.Refused.UNKNOWN_AGENCY: (
        _("No access to SSPF"),
        _(
            "Your account at the municipality points to an agency that SSPF does not have. "
            "Tell SSPF's administrator: the agency must be added in SSPF, or the mapping of "
            "the municipality's groups corrected."
        ),
        403,
    ),
    sso.Refused.ADMIN_AND_CASE_ROLE: (
        _("No access to SSPF"),
        _(
            "Your account at the municipality belongs both to the administrators' group and "
            "to a group with a role in the casework; in SSPF an administrator has no role in "
            "the casework. Ask the municipality's IT support to leave your account in one of "
            "them."
        ),
        403,
    ),
    sso.Refused.INACTIVE: (
        _("No access to SSPF"),
        _("Your account in SSPF is switched off. Contact SSPF's administrator."),
        403,
    ),
    "failed": (
        _("The sign-in did not succeed"),
        _(
            "The sign-in with the municipality's account was cancelled or did not succeed. "
            "Try again."
        ),
        400,
    ),
    "unavailable": (
        _("The sign-in service does not answer"),
        _(
            "The municipality's sign-in service cannot be reached right now. Try again in a "
            "while; if it goes on, contact the municipality's IT support."
        ),
        503,
    ),
}


def message_page(request, key):
    title, text, status = MESSAGES[key]
    response = TemplateResponse(
        request,
        "registration/sso_message.html",
        {"title": title, "text": text, "reason": key},
        status=status,
    )
    # Shown as it is to a visitor who is not signed in (casework's LoginFirstMiddleware would
    # otherwise turn a 403 into the login page).
    response.sspf_public = True
    return response


class Start(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint (with PKCE's challenge)."""

    get_settings = staticmethod(sso.setting)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the endpoint is read when asked for, not at start-up

    def get(self, request):
        if not sso.enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except PROVIDER_TROUBLE:
            log.exception("The identity provider's discovery document cannot be read")
            return message_page(request, "unavailable")
        self.OIDC_RP_CLIENT_ID = sso.setting("OIDC_RP_CLIENT_ID")
        return super().get(request)


class Callback(OIDCAuthenticationCallbackView):
    """The provider's answer: signs the user in, or shows why not."""

    get_settings = staticmethod(sso.setting)

    def get(self, request):
        if not sso.enabled():
            raise Http404
        try:
            response = super().get(request)
        except PROVIDER_TROUBLE:
            log.exception("The sign-in through the identity provider failed")
            auth.logout(request)
            return message_page(request, "unavailable")
        refused = getattr(request, "sspf_sso_refused", None)
        if refused:
            auth.logout(request)
            return message_page(request, refused)
        return response

    def login_success(self):
        response = super().login_success()
        self.request.session[sso.SESSION_FLAG] = True
        return response

    def login_failure(self):
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        return message_page(self.request, "failed")


class Logout(LogoutView):
    """Django's sign-out; after a sign-in through the provider, with
    ``SSPF_OIDC_LOGOUT_AT_PROVIDER``, on to the provider's sign-out and back to the login page."""

    def post(self, request, *args, **kwargs):
        at_provider = sso.provider_logout_url(
            request, request.build_absolute_uri(self.get_success_url())
        )
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response


def admin_login(request, extra_context=None):
    """The admin's login form, or with passwords switched off the product's login page
    (which offers the municipality's account)."""
    if sso.local_login():
        return admin.site.login(request, extra_context)
    return redirect_to_login(request.GET.get("next") or "/admin/")
