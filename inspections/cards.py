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

from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from compliance.fragments import CSRF_MARK, Recent, csrf_input, csrf_mark

CARDS_KEPT = 4000
HISTORY_TABLES_KEPT = 1000


_cards = Recent(CARDS_KEPT)
_history_tables = Recent(HISTORY_TABLES_KEPT)


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
    csrf = csrf_input(request)
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
                    "csrf_input": csrf_mark(),
                }
            )
            _cards.put(key, card)
        cards.append(mark_safe(card.replace(CSRF_MARK, csrf)))
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
