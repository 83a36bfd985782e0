"""Log filters: what must never reach a log line.

An agency response link's token is a password in the URL (`/r/<token>/...`). Django logs
the path of every 4xx/5xx response ("Not Found: /r/…", logger django.request) and
runserver every request (logger django.server); this filter rewrites such lines with the
token replaced, whatever the logger, before any handler writes them.
"""

import logging
import re

TOKEN_PATH = re.compile(r"/r/[^/\s?#\"']+")
REDACTED = "/r/[token]"


def redact(text):
    return TOKEN_PATH.sub(REDACTED, text)


class RedactResponseTokens(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is left for the handler to report
            return True
        if "/r/" in message:
            record.msg, record.args = redact(message), None
        return True
