"""gunicorn's settings for production: `gunicorn compliance.wsgi` reads this file.

Workers and threads follow the machine: one worker process per core (WEB_CONCURRENCY to
change it), each with GUNICORN_THREADS threads (4 by default), so a worker waiting on
PostgreSQL serves another request meanwhile. Requests are short (an autosave is a few
milliseconds of work): more processes than cores only add context switches.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# A client on a slow mobile network keeps its connection between autosaves.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
