"""Sessions (issue 15): the idle timeout and the absolute maximum of a login, the registry of a
user's sign-ins (so they can end the others), and ``Cache-Control: no-store`` on every answer
that is not a static file.

A login records when it began and, at most every ``TOUCH_SECONDS``, when the user last did
something. Every request of a signed-in user counts as activity except the page's own question
how long is left (``session_status``). Past ``SSPF_IDLE_MINUTES`` without activity, or
``SSPF_SESSION_MAX_HOURS`` after the login, the next request logs the user out (the session is
deleted from the store) and sends them to the login page with a message saying why.
"""

import math
import time
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages import constants as message_levels
from django.contrib.messages.storage import default_storage
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from .models.signin import SignIn

STARTED = "sspf_signed_in_at"  # epoch seconds of the login
LAST = "sspf_last_activity"  # epoch seconds of the last activity (to TOUCH_SECONDS)
SIGN_IN = "sspf_sign_in"  # the SignIn row's pk
TOUCH_SECONDS = 30  # activity within this of the last one recorded writes nothing
STATUS_URL_NAME = "session_status"


def idle_seconds():
    return settings.SSPF_IDLE_MINUTES * 60


def max_seconds():
    return settings.SSPF_SESSION_MAX_HOURS * 3600


def remaining(session, now=None):
    """Seconds left of the login in ``session`` and whether the absolute maximum (which no
    activity extends) is what ends it."""
    now = time.time() if now is None else now
    started = session.get(STARTED, now)
    last = session.get(LAST, now)
    idle_left = last + idle_seconds() - now
    max_left = started + max_seconds() - now
    return max(0, math.ceil(min(idle_left, max_left))), max_left <= idle_left


def ended_because(session, now):
    started, last = session.get(STARTED), session.get(LAST)
    if started is not None and now - started >= max_seconds():
        return ngettext(
            "You were logged out: a login lasts at most %(hours)d hour. Log in again.",
            "You were logged out: a login lasts at most %(hours)d hours. Log in again.",
            settings.SSPF_SESSION_MAX_HOURS,
        ) % {"hours": settings.SSPF_SESSION_MAX_HOURS}
    if last is not None and now - last >= idle_seconds():
        return ngettext(
            "You were logged out after %(minutes)d minute without activity. Log in again.",
            "You were logged out after %(minutes)d minutes without activity. Log in again.",
            settings.SSPF_IDLE_MINUTES,
        ) % {"minutes": settings.SSPF_IDLE_MINUTES}
    return None


def browser_of(user_agent):
    """A short, readable name of the browser and system from a User-Agent header."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for key, name in (
                ("Edg/", "Edge"),
                ("OPR/", "Opera"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Chromium/", "Chromium"),
                ("Safari/", "Safari"),
            )
            if key in ua
        ),
        "",
    )
    system = next(
        (
            name
            for key, name in (
                ("Windows", "Windows"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Android", "Android"),
                ("Mac OS X", "macOS"),
                ("Linux", "Linux"),
            )
            if key in ua
        ),
        "",
    )
    return " / ".join(filter(None, [browser, system]))[:100]


def client_ip(request):
    """The client's address: with SSPF_BEHIND_TLS_PROXY the proxy's X-Forwarded-For (its last
    entry, the one the proxy added), otherwise the connection's."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def signed_in(sender, request, user, **kwargs):
    """A login: its start in the session, and a row in the user's sign-ins."""
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[STARTED] = now
    request.session[LAST] = now
    if not request.session.session_key:
        request.session.save()
    # the rows of logins that have ended without a logout (idle, or past the maximum) go
    SignIn.objects.filter(
        Q(last_seen__lte=timezone.now() - timezone.timedelta(seconds=idle_seconds()))
        | Q(started__lte=timezone.now() - timezone.timedelta(seconds=max_seconds()))
    ).delete()
    row = SignIn.objects.create(
        user=user,
        session_key=request.session.session_key,
        ip=client_ip(request),
        browser=browser_of(request.META.get("HTTP_USER_AGENT")),
    )
    request.session[SIGN_IN] = row.pk


def signed_out(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    pk = request.session.get(SIGN_IN)
    if pk is not None:
        SignIn.objects.filter(pk=pk).delete()


user_logged_in.connect(signed_in, dispatch_uid="sspf_flow.sessions.signed_in")
user_logged_out.connect(signed_out, dispatch_uid="sspf_flow.sessions.signed_out")


def active_sign_ins(user):
    """The user's sign-ins that are still running (idle and absolute limits not passed)."""
    now = timezone.now()
    return SignIn.objects.filter(
        user=user,
        last_seen__gt=now - timezone.timedelta(seconds=idle_seconds()),
        started__gt=now - timezone.timedelta(seconds=max_seconds()),
    ).order_by("-last_seen")


def end_other_sign_ins(request):
    """Deletes every other session of the request's user from the session store; returns how
    many of them were still running."""
    engine = import_module(settings.SESSION_ENGINE)
    own = request.session.session_key
    running = active_sign_ins(request.user).exclude(session_key=own).count()
    others = SignIn.objects.filter(user=request.user).exclude(session_key=own)
    for key in others.values_list("session_key", flat=True):
        engine.SessionStore(session_key=key).delete()
    others.delete()
    return running


def _message_then(request, response, text):
    storage = default_storage(request)
    storage.add(message_levels.INFO, text)
    storage.update(response)
    return response


class IdleSessionMiddleware:
    """Ends a login that was idle too long or has lasted its maximum, and records activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if auth.SESSION_KEY not in session:
            return self.get_response(request)
        now = time.time()
        reason = ended_because(session, now)
        if reason:
            auth.logout(request)
            if request.path_info == settings.LOGIN_URL:  # logging in again: let them
                return self.get_response(request)
            if request.path_info == reverse(STATUS_URL_NAME):
                response = JsonResponse({"remaining": 0, "login": settings.LOGIN_URL})
            elif request.method == "GET" and request.path_info != settings.LOGIN_URL:
                response = redirect_to_login(request.get_full_path())
            else:
                response = redirect(settings.LOGIN_URL)
            return _message_then(request, response, reason)
        if STARTED not in session:  # a login from before this module
            session[STARTED] = now
        if request.path_info != reverse(STATUS_URL_NAME):
            self.touch(request, session, now)
        return self.get_response(request)

    @staticmethod
    def touch(request, session, now):
        last = session.get(LAST)
        if last is not None and now - last < TOUCH_SECONDS:
            return
        session[LAST] = now
        pk = session.get(SIGN_IN)
        if pk is not None:
            SignIn.objects.filter(pk=pk).update(
                last_seen=timezone.now(), session_key=session.session_key
            )


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer the application makes (pages, PDFs, CSV,
    XLSX, redirects): none may be kept by a browser or a proxy. Static files are answered by
    WhiteNoise before this middleware and keep their long caching. It also adds the
    Permissions-Policy, and X-Frame-Options where a later middleware made the answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        # also on the answers made after Django's XFrameOptionsMiddleware (the login redirect)
        if not getattr(response, "xframe_options_exempt", False):
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        policy = getattr(settings, "SSPF_PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
