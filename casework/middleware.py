"""The product's middleware: language, a cache per request, login first, refusals as messages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from sspf_flow import access, accesslog, requestcache
from sspf_flow.models import Case, CaseProcess
from sspf_flow.refusals import TransitionRefused


class SecondFactorMiddleware:
    """A signed-in user who must confirm a second factor (``access.requires_second_factor``)
    and has not yet in this session (``access.second_factor_confirmed``; a single sign-on
    session has) reaches only that step: every other page redirects there. The login and
    logout, static files, the language switch, the idle timer's session status and the steps
    themselves are exempt."""

    EXEMPT = ("/accounts/login/", "/accounts/logout/", "/accounts/2fa/", "/i18n/", "/session/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith((*self.EXEMPT, settings.STATIC_URL))
            and access.requires_second_factor(user)
            and not access.second_factor_confirmed(user, request.session)
        ):
            target = reverse("mfa_verify")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)


class SwedishFirstLocaleMiddleware:
    """Swedish unless the user chose another language (the language cookie set by
    ``/i18n/setlang/``); a browser's Accept-Language does not switch a Swedish municipality's
    system to English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestCacheMiddleware:
    """Opens the request's cache (``sspf_flow.requestcache``): the access module asks the
    database once per request for a user's roles and agency, and forgets them afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with requestcache.scope():
            return self.get_response(request)


class LoginFirstMiddleware:
    """A page refused to a visitor who is not logged in sends them to the login page.
    viewflow's site middleware and task views answer 403 without asking them to log in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 403
            and not request.user.is_authenticated
            and not getattr(response, "sspf_public", False)  # a page for visitors (sign-in)
        ):
            return redirect_to_login(request.get_full_path())
        return response


def case_named_by(match):
    """The case a URL names (by number, or by one of its processes), if it exists."""
    kwargs = match.kwargs if match else {}
    if "number" in kwargs:
        return Case.objects.filter(number=kwargs["number"]).first()
    if "process_pk" in kwargs:
        process = CaseProcess.objects.filter(pk=kwargs["process_pk"]).first()
        return process.artifact if process else None
    return None


class RefusedAttemptMiddleware:
    """A logged-in user refused a page of a real case (403, or 404 because they may not read
    it) is written to the access log as refused: the review sees who tried which case, and
    the answer still tells them nothing about it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404) and request.user.is_authenticated:
            case = case_named_by(getattr(request, "resolver_match", None))
            if case is not None and (
                response.status_code == 403 or not access.can_view_case(request.user, case)
            ):
                accesslog.record_refused(request, case, request.path)
        return response


class TransitionRefusedMiddleware:
    """Last line: a refusal no view caught becomes a message on the page the user came from,
    never a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, TransitionRefused):
            return None
        for reason in exception.reasons:
            messages.error(request, reason)
        back = request.META.get("HTTP_REFERER", "/")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/"
        return redirect(back)
