"""The checklist page's criterion cards, each rendered once per state and kept in the process.

A card is most of the checklist page's rendering (twelve of them, each with its result
buttons, note, evidence and upload form), and between two loads of the page usually none
has changed. Each card is remembered under a key that holds every value it shows (the
language, whether the user may edit, the answer's fields, the criterion's text, the
evidence files), so a remembered card is the card that would be rendered now: nothing
has to be invalidated. The CSRF token, which differs per visitor, is put in on the way
out. The memory is per process and bounded (least recently used cards are dropped).

The page's recent history is kept the same way, under its entries.
"""

import threading
from collections import OrderedDict

from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

CARDS_KEPT = 4000
HISTORY_TABLES_KEPT = 1000
CSRF_MARK = "<!--csrf-input-->"


class _Recent:
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


_cards = _Recent(CARDS_KEPT)
_history_tables = _Recent(HISTORY_TABLES_KEPT)


def _key(answer, inspection, can_edit, language):
    criterion = answer.criterion
    return (
        language,
        inspection.pk,
        can_edit,
        answer.pk,
        answer.version,
        answer.result,
        hash(answer.note),
        answer.answered_at,
        answer.answered_by_name,
        criterion.pk,
        criterion.code,
        criterion.iso_clause,
        hash((criterion.title, criterion.guidance)),
        tuple((file.pk, file.original_name) for file in answer.files),
    )


def criterion_cards(request, inspection, answers, *, can_edit, results):
    """The HTML of each answer's card, in order; `answers` as `inspections.checklist.answers_of`
    reads them (with their criterion, `answered_by_name` and `files`)."""
    template = get_template("inspections/_criterion.html")
    language = get_language()
    csrf_input = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    cards = []
    for answer in answers:
        key = _key(answer, inspection, can_edit, language)
        card = _cards.get(key)
        if card is None:
            card = template.render(
                {
                    "answer": answer,
                    "inspection": inspection,
                    "can_edit": can_edit,
                    "results": results,
                    "csrf_input": mark_safe(CSRF_MARK),
                }
            )
            _cards.put(key, card)
        cards.append(mark_safe(card.replace(CSRF_MARK, csrf_input)))
    return cards


def history_table(entries):
    """The HTML of a history table of `entries` (inspections.history.Entry, which holds
    every value a row shows)."""
    key = (get_language(), timezone.get_current_timezone_name(), tuple(entries))
    table = _history_tables.get(key)
    if table is None:
        table = get_template("inspections/_history_table.html").render({"history": entries})
        _history_tables.put(key, table)
    return mark_safe(table)
