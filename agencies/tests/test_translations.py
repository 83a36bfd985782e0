import ast
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def entries():
    """(msgid, msgstr, fuzzy) for each entry of the Vietnamese catalogue, header excluded."""
    for block in PO.read_text(encoding="utf-8").split("\n\n")[1:]:
        parts, key = {}, None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                key, line = line.split(" ", 1)
            parts[key] = parts.get(key, "") + ast.literal_eval(line)
        yield parts["msgid"], parts.get("msgstr", parts.get("msgstr[0]")), "#, fuzzy" in block


def test_every_message_has_a_vietnamese_translation():
    untranslated = [msgid for msgid, msgstr, fuzzy in entries() if not msgstr or fuzzy]
    assert untranslated == []


def test_placeholders_survive_translation():
    placeholder = re.compile(r"%\(\w+\)[sdr]|%\(\w+\)\.\d+f|%s")
    broken = [
        msgid
        for msgid, msgstr, _fuzzy in entries()
        if sorted(placeholder.findall(msgid)) != sorted(placeholder.findall(msgstr))
    ]
    assert broken == []
