"""What the inspector's pages need to work with no network.

The service worker (static/js/sw.js) is served from the site's root so that its scope
covers "My inspections" and every checklist; it gets its settings (the static version,
the files to keep, the pages it may keep) from here. The pages it keeps carry the user
they were made for, so one person's pages are never shown to another. A small session
endpoint and a JSON login let the checklist page log in again without being left.
"""

import hashlib
import json
import re
from functools import lru_cache, wraps

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from agencies.models import can_fill_checklists

# Kept by the service worker when it installs: everything the checklist page loads.
PRECACHE = [
    "css/app.css",
    "js/checklist.js",
    "js/offline.js",
    "js/app.js",
    "js/offline-store.js",
    "vendor/bootstrap-5.3.8/bootstrap.min.css",
    "vendor/bootstrap-5.3.8/bootstrap.bundle.min.js",
    "vendor/htmx-2.0.7/htmx.min.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
]
USER_HEADER = "X-Offline-User"
THEME_COLOR = "#0d6efd"


def offline_page(view):
    """Mark a page the service worker may keep for the logged-in user (and only for them)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and request.user.is_authenticated:
            response[USER_HEADER] = str(request.user.pk)
        return response

    return wrapper


def static_version():
    """The version in the service worker's cache names: a deployment with other files
    changes it, so every device drops the old copies. STATIC_VERSION overrides it."""
    return settings.STATIC_VERSION or _content_version()


@lru_cache(maxsize=1)
def _content_version():
    digest = hashlib.sha256()
    for path in PRECACHE + ["js/sw.js"]:
        found = finders.find(path)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


def _page_patterns():
    sample = 987654321
    detail = re.escape(reverse("inspection_detail", args=[sample])).replace(str(sample), r"\d+")
    return ["^" + re.escape(reverse("my_inspections")) + "$", "^" + detail + "$"]


def _worker_config():
    return {
        "version": static_version(),
        "staticUrl": static(""),
        "precache": [static(path) for path in PRECACHE],
        "pages": _page_patterns(),
        "userHeader": USER_HEADER,
        "offlineTitle": _("Offline"),
        "offlineText": _(
            "There is no network, and this page was not kept on this device. Open it once "
            "with the network, or use «Download for offline work» on My inspections."
        ),
        "myUrl": reverse("my_inspections"),
        "myLabel": _("My inspections"),
    }


@require_safe
def service_worker(request):
    with open(finders.find("js/sw.js"), encoding="utf-8") as handle:
        source = handle.read()
    config = json.dumps(_worker_config(), ensure_ascii=False)
    response = HttpResponse(
        f"self.OFFLINE_CONFIG = {config};\n{source}",
        content_type="application/javascript; charset=utf-8",
    )
    # Browsers check for a new worker on each visit; never let a cache answer for it.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def manifest(request):
    data = {
        "name": _("ISO 9001 inspections"),
        "short_name": _("ISO inspections"),
        "lang": "vi",
        "start_url": reverse("my_inspections"),
        "scope": reverse("home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


def _session_json(request):
    user = request.user
    return {
        "user": user.pk if user.is_authenticated else None,
        "username": user.get_username() if user.is_authenticated else "",
        "inspector": user.is_authenticated and can_fill_checklists(user),
        "csrf": get_token(request),
    }


@never_cache
@require_safe
def session_state(request):
    """Who is logged in, and a fresh CSRF token (setting its cookie if it was lost)."""
    return JsonResponse(_session_json(request))


@never_cache
@sensitive_post_parameters("password")
@require_POST
def session_login(request):
    """Log in from the dialog of the checklist page; the page stays where it is."""
    user = authenticate(
        request=request,
        username=request.POST.get("username", ""),
        password=request.POST.get("password", ""),
    )
    if user is None:
        return JsonResponse(
            {"error": _("The user name or password is not right. Try again.")}, status=400
        )
    login(request, user)
    return JsonResponse(_session_json(request))


def evidence_json(evidence):
    """What the upload queue needs to know about a stored file."""
    return {
        "id": evidence.pk,
        "name": evidence.original_name,
        "url": reverse("evidence_download", args=[evidence.pk]),
    }


def page_settings(request):
    """The numbers the checklist page's scripts use, rendered into the page."""
    return {
        "user": request.user.pk,
        "photoMaxSide": settings.PHOTO_MAX_SIDE,
        "photoQuality": settings.PHOTO_QUALITY,
        "sessionUrl": reverse("offline_session"),
        "loginUrl": reverse("offline_login"),
        "texts": _page_texts(),
    }


def _page_texts():
    return {
        "session": _("Not sent: your session ended. Log in again to send it; it is kept here."),
        "pendingSession": _(
            "Session ended: %(count)s change(s) kept on this device, waiting for you to "
            "log in again"
        ),
        "mayEvict": _("(the browser may clear them if the phone runs short of space)"),
        "storageRefused": _(
            "This browser refused its database: changes are kept in simpler storage, and "
            "photos only while this page stays open."
        ),
        "storageMemory": _(
            "This browser refuses to keep anything: changes and photos are kept only while "
            "this page stays open. Do not close it before they are sent."
        ),
        "photosNotKept": _(
            "This browser cannot keep photos on the device: keep this page open until they "
            "are sent."
        ),
        "evicted": _(
            "The browser removed %(count)s change(s) or photo(s) kept on this device before "
            "they were sent (its storage was cleared). Check the answers below and enter "
            "them again."
        ),
        "cannotSave": _("This could not be saved."),
        "photoWaiting": _("waiting to be sent"),
        "photoUploading": _("uploading… %(percent)s%%"),
        "photoSent": _("sent"),
        "photoOpen": _("open"),
        "photoRemove": _("Remove"),
        "loginFailed": _("The user name or password is not right. Try again."),
        "loginOffline": _("No network: try again when it is back."),
    }
