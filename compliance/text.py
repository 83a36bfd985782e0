"""Text helpers: what text may be stored, and for Vietnamese names accent folding and order."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Free text (notes, conclusions, reasons, finding texts): about three typed pages, far more
# than any note needs, and well below the 32,767 characters one spreadsheet cell can hold,
# so every stored text fits its cell whole when exported.
LONG_TEXT_MAX = 10_000

# Line breaks that Word and old Mac files paste: vertical tab, form feed, CR LF, lone CR.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c]")
# C0 controls except tab and newline, DEL, and C1 controls: invisible, and Excel's file
# format cannot hold most of them.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# Codes (agencies, checklists, criteria): letters, digits, '.', '-', '_', starting with a
# letter or digit, so a code is never a formula, a path or markup.
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*\Z")
validate_code = RegexValidator(
    CODE_RE,
    gettext_lazy("A code has only letters, digits, '.', '-' and '_', and starts with a letter "
                 "or digit."),
)  # fmt: skip

# Letters that Vietnamese treats as distinct, in alphabet order after their base letter.
# The value is the rank within the base letter: a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư.
_LETTER_RANK = {"\u0306": 1, "\u0302": 2, "\u031b": 3}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def nfc(value):
    return unicodedata.normalize("NFC", value)


def clean_text(value):
    """Text as it may be stored: NFC, line breaks as "\\n", no control character but tab
    and newline. Applied where text comes in (forms, autosave, imports); None becomes ""."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub("\n", nfc(str(value)))
    return _CONTROL.sub("", text)


def clean_line(value):
    """clean_text for one-line values such as names: line breaks and tabs become spaces."""
    return clean_text(value).replace("\n", " ").replace("\t", " ")


def check_length(text, limit=LONG_TEXT_MAX):
    """Refuse text longer than `limit` characters, saying both numbers; never cut it."""
    if len(text) > limit:
        raise ValidationError(
            _("The text is %(length)d characters long; at most %(limit)d are allowed.")
            % {"length": len(text), "limit": limit},
            code="max_length",
        )


def fold(value):
    """Lower-case ASCII form used for accent-insensitive search ("Hưng Yên" -> "hung yen")."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def sort_key(value):
    """A key that sorts names in Vietnamese dictionary order under any collation.

    Each character becomes two characters in [0-9a-z]: the base letter and its rank
    (so "ơ" sorts after "ô" after "o"), then tones follow as a tie-breaker. Using only
    ASCII letters and digits means SQLite's binary order and PostgreSQL's locale order
    agree, so lists sort the same on both databases without an ICU collation.
    """
    primary, tones = [], []
    for ch in unicodedata.normalize("NFD", value.lower()):
        if ch in _LETTER_RANK and primary:
            primary[-1] = primary[-1][0] + str(_LETTER_RANK[ch])
        elif ch in _TONE_RANK and tones:
            tones[-1] = str(_TONE_RANK[ch])
        elif ch == "đ":
            primary.append("d4")
            tones.append("0")
        elif ch.isascii() and ch.isalnum():
            primary.append(ch + "0")
            tones.append("0")
        elif ch.isspace():
            primary.append("00")
    return ("".join(primary) + "0" + "".join(tones))[:255]
