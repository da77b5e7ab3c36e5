"""The product's middleware: language, a cache per request, login first, refusals as messages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from sspf_flow import requestcache
from sspf_flow.refusals import TransitionRefused


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
        if response.status_code == 403 and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
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
