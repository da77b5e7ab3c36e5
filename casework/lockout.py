"""Throttling and lockout of the sign-in (issue 15), by django-axes: the backend that refuses a
locked-out username or address, the client's address, and the answer to a locked-out try.

The answer is the login page with one message that is the same whether or not the account
exists (axes counts failures for any username typed), with status 429."""

import logging

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.forms.utils import ErrorDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from viewflow.contrib.auth import AuthenticationForm  # the login page's own form (its icons)

from sspf_flow import sessions

log = logging.getLogger("sspf.signin")


class LockoutBackend(AxesStandaloneBackend):
    """axes' check first in ``AUTHENTICATION_BACKENDS``. A sign-in without a request (the
    shell, the test client's ``login``) is no web sign-in and not counted: it passes to the
    next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request):
    """The address failures are counted for: the same as the user's sign-ins record
    (``sessions.client_ip``: behind the TLS proxy the last address in X-Forwarded-For, the one
    the proxy appended; otherwise the connection's)."""
    return sessions.client_ip(request)


def lockout_message():
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return ngettext(
        "Too many failed sign-ins. Signing in is paused for %(minutes)d minute; try again "
        "later or ask your administrator.",
        "Too many failed sign-ins. Signing in is paused for %(minutes)d minutes; try again "
        "later or ask your administrator.",
        minutes,
    ) % {"minutes": minutes}


def locked_out(request, response=None, credentials=None):
    """axes' ``AXES_LOCKOUT_CALLABLE``: the login page again, with the lockout message."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    log.warning(
        "sign-in refused, locked out: username=%r address=%s", username, client_address(request)
    )
    form = AuthenticationForm(request, initial={"username": username})
    form.cleaned_data = {}
    form._errors = ErrorDict()
    form.add_error(None, lockout_message())
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": request.GET.get("next", ""), "title": _("Log in")},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
