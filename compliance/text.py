"""Text helpers for Vietnamese names: normalisation, accent folding, dictionary order."""

import unicodedata

# Letters that Vietnamese treats as distinct, in alphabet order after their base letter.
# The value is the rank within the base letter: a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư.
_LETTER_RANK = {"\u0306": 1, "\u0302": 2, "\u031b": 3}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def nfc(value):
    return unicodedata.normalize("NFC", value)


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
