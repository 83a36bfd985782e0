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


def post_worker_init(worker):
    """Freeze what the worker loaded at start-up out of the garbage collector's reach.

    Django, the URL configuration and every view, form and model module live as long as
    the worker: a full collection walked them all, pausing every request of the worker
    (77 ms each, measured). Frozen, a full collection walks only what requests made
    (5 ms), and the slowest requests under load are faster (bench/load.py, p99).
    """
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view, form and model)
    gc.collect()
    gc.freeze()
