from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from .services import TransitionRefused


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
