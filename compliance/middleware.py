from urllib.parse import unquote

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Vietnamese unless the user chose another language in the menu.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show
    English to every official whose browser came in English; here only the choice the
    user made (the `set_language` cookie) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Scoped to this request, so the thread's next work starts from the default again.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestSizeLimitMiddleware:
    """Refuse (413) a body larger than REQUEST_MAX_BYTES before anything reads it.

    Django reads a whole multipart body before a form can check a file's size, so without
    this a 50 MB post to any page, the login page included, is read in full. The proxy in
    front should refuse it even earlier (see the README).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body without a valid length either.
        if length > settings.REQUEST_MAX_BYTES:
            message = _("The request is too large: files up to %(limit)d MB are accepted.") % {
                "limit": settings.REQUEST_MAX_BYTES // 2**20
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class NulByteMiddleware:
    """A NUL byte in the path or query string is a 404; a cookie holding one is ignored.

    No code, name, number or session key here holds one, and PostgreSQL refuses any string
    with it in a query (ValueError, a 500), whichever view, lookup or session it reaches.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            raise Http404
        if any("\x00" in value for value in request.COOKIES.values()):
            request.COOKIES = {
                name: value for name, value in request.COOKIES.items() if "\x00" not in value
            }
        return self.get_response(request)
