"""Parts of pages rendered once and kept in the process, under a key holding every value
they show.

A kept fragment is the fragment that would be rendered now, so nothing has to be
invalidated. What differs per request (the CSRF token, whose mask is new on every request)
is left as a mark in the kept HTML and put in on the way out. The memory is per process and
bounded: the least recently used fragments are dropped.
"""

import threading
from collections import OrderedDict

from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import mark_safe

CSRF_MARK = "<!--csrf-input-->"


class Recent:
    """A bounded, thread-safe map that forgets the least recently used entries."""

    def __init__(self, size):
        self.size = size
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def csrf_mark():
    """What a kept fragment's template shows where the CSRF input goes."""
    return mark_safe(CSRF_MARK)


def csrf_input(request):
    """The request's CSRF input, to put in for `CSRF_MARK`."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
