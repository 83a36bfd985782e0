"""Settings for the ISO 9001 compliance tracker.

Everything that differs between machines comes from environment variables, read by the
small helpers below. Defaults suit a developer laptop: SQLite file, DEBUG off unless asked.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# The fallback key is only for development; `check --deploy` flags it (security.W009).
SECRET_KEY = env("SECRET_KEY", "django-insecure-development-only-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Set to 1 only behind a proxy that sets X-Forwarded-Proto and appends X-Forwarded-For:
# otherwise any client could claim HTTPS or another address.
TRUST_PROXY = env_bool("TRUST_PROXY")
# A path that is not the well-known one keeps the admin's login out of most scans.
ADMIN_URL = env("ADMIN_URL", "admin/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "import_export",
    "simple_history",
    "axes",
    "compliance",
    "agencies",
    "inspections",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session is looked up and the path resolved.
    "compliance.middleware.NulByteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "compliance.middleware.LanguageMiddleware",
    # Before anything reads the body (CSRF reads POST), after the language is chosen.
    "compliance.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during login into the response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "compliance.urls"
WSGI_APPLICATION = "compliance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "compliance.context_processors.permissions",
                "compliance.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers never wait for the writer (WAL); a writer waits its turn (timeout, seconds)
    # instead of failing; and a transaction takes the write lock when it begins, since a
    # read lock upgraded later fails at once with "database is locked", timeout or not.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": int(env("SQLITE_TIMEOUT", "20")),
    }
elif not env_bool("POSTGRES_JIT"):
    # PostgreSQL compiles a query to machine code when its estimated cost is high; for
    # this application's queries (tens of milliseconds) the compiling cost more than it
    # saved: 190-356 ms of the round page's 50,000-agency count was JIT. POSTGRES_JIT=1
    # leaves it on.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username or address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Loads the profile with the user: one query fewer on every request.
    "compliance.auth.ProfileBackend",
    # Kept for sessions opened before ProfileBackend was added.
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins lock out the username and, separately, the address they came from.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "compliance.auth.client_ip"
AXES_LOCKOUT_CALLABLE = "compliance.auth.lockout_response"
# No start-up banner on every command; compliance.auth logs each attempt.
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# No MEDIA_URL route: uploaded files are served only by views that check scope.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and `runserver` serve files straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True

# Spreadsheet imports: refuse files over this size before reading them.
IMPORT_MAX_BYTES = 10 * 1024 * 1024
# Evidence photos and PDFs, and corrective-action records.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# A request body larger than the biggest upload, plus room for the form around it, is
# refused (413) before it is read; the proxy in front should refuse it first.
REQUEST_MAX_BYTES = max(IMPORT_MAX_BYTES, EVIDENCE_MAX_BYTES) + 256 * 1024
# What an .xlsx may unpack to, in all and per part (a zip bomb packs 1 GB in 1 MB), and
# how many data rows an agency list may have; sizes a file declares are never trusted.
IMPORT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
IMPORT_MAX_RATIO = 100
IMPORT_MAX_ROWS = 100_000
# Form fields other than files (Django's default); files above the second limit are
# streamed to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
if TRUST_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # Every login, failed or not, whatever LOG_LEVEL says.
    "loggers": {"compliance.auth": {"level": env("AUTH_LOG_LEVEL", "INFO")}},
}
# Autosave idempotency keys are deleted after this many days: far longer than any offline
# spell, so a change queued on a device is still recognised when it is finally sent.
SAVE_KEY_DAYS = 30
# Offline checklist: the service worker's cache version (empty: derived from the static
# files' content, so a deployment with other files replaces the copies on every device),
# and how photos are scaled on the device before upload unless the original is asked for.
STATIC_VERSION = env("STATIC_VERSION")
PHOTO_MAX_SIDE = int(env("PHOTO_MAX_SIDE", "2000"))
PHOTO_QUALITY = float(env("PHOTO_QUALITY", "0.85"))
# A report names the agencies behind a shortfall ("Tuy nhiên, có …") when there are at most
# this many; more are counted only (the appendix lists every agency).
REPORT_NAME_AGENCIES_UP_TO = int(env("REPORT_NAME_AGENCIES_UP_TO", "5"))

# -- Background jobs -----------------------------------------------------------------------
# Huey: with REDIS_URL, every app server and consumer shares one Redis queue; without it,
# Huey's own SQLite file beside the database, so `make run` needs no other server.
INSTALLED_APPS += ["huey.contrib.djhuey", "jobs"]
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # Every request reads its session: from Redis, with the database as the durable copy
    # (written on login and logout, read only when Redis has lost the session).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
_database = DATABASES["default"]
HUEY_FILE = env(
    "HUEY_FILE",
    str(Path(_database["NAME"]).with_suffix(".huey.sqlite3"))
    if _database["ENGINE"].endswith("sqlite3") and str(_database["NAME"]).startswith("/")
    else str(BASE_DIR / "huey.sqlite3"),
)
HUEY = {
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "name": env("HUEY_NAME", "compliance"),
    # Tasks run inside the caller, in memory: for unit tests and one-off debugging only.
    "immediate": env_bool("HUEY_IMMEDIATE"),
    "utc": True,
    **({"url": REDIS_URL} if REDIS_URL else {"filename": HUEY_FILE}),
    "consumer": {
        # On SQLite one writer at a time anyway: more workers would only wait for the lock.
        "workers": int(
            env("HUEY_WORKERS", "1" if _database["ENGINE"].endswith("sqlite3") else "4")
        ),
        "worker_type": "thread",
        "periodic": True,
    },
}
# Who sees every job (the others see their own): the admin role's rule.
JOBS_SEE_ALL = "agencies.models.can_administer"
# Finished jobs and their files are deleted after this many days.
JOB_RETENTION_DAYS = int(env("JOB_RETENTION_DAYS", "7"))
# A running job renews its heartbeat this often; one silent for JOB_STALL_SECONDS is failed.
JOB_HEARTBEAT_SECONDS = float(env("JOB_HEARTBEAT_SECONDS", "5"))
JOB_STALL_SECONDS = int(env("JOB_STALL_SECONDS", "120"))
# Workbooks at least this large are previewed and imported on the queue, not in the request.
WORKBOOK_JOB_MIN_BYTES = int(env("WORKBOOK_JOB_MIN_BYTES", str(200 * 1024)))
# Autosaves by one user on one criterion less than this many minutes apart make one history
# entry, so a checklist saved on every keystroke keeps a history a person can read.
HISTORY_MERGE_MINUTES = int(env("HISTORY_MERGE_MINUTES", "5"))
# One date and time format per language, the same order in both: 21/11/2026 20:28
# (compliance/formats/). Date inputs are text in that format, ISO accepted too
# (compliance.forms.DateField): a browser's type=date shows the browser's locale instead.
FORMAT_MODULE_PATH = ["compliance.formats"]

# -- Corrective actions, agency response links, reminders -----------------------------------
# An agency response link expires this many days after the latest due date of its findings.
RESPONSE_LINK_GRACE_DAYS = int(env("RESPONSE_LINK_GRACE_DAYS", "30"))
# Files one response link may upload in any hour (each file also obeys EVIDENCE_MAX_BYTES).
RESPONSE_LINK_UPLOADS_PER_HOUR = int(env("RESPONSE_LINK_UPLOADS_PER_HOUR", "30"))

# No response-link token in any log line: every handler, runserver's request log included.
LOGGING["filters"] = {"redact_tokens": {"()": "compliance.logfilters.RedactResponseTokens"}}
LOGGING["handlers"]["console"]["filters"] = ["redact_tokens"]
LOGGING["formatters"] = {
    "django.server": {
        "()": "django.utils.log.ServerFormatter",
        "format": "[{server_time}] {message}",
        "style": "{",
    }
}
LOGGING["handlers"]["django.server"] = {
    "class": "logging.StreamHandler",
    "formatter": "django.server",
    "filters": ["redact_tokens"],
}
LOGGING["loggers"]["django.server"] = {
    "handlers": ["django.server"],
    "level": "INFO",
    "propagate": False,
}
LOGGING["loggers"]["inspections.response"] = {"level": env("AUTH_LOG_LEVEL", "INFO")}


def email_settings(url):
    """Django's EMAIL_* settings from one URL: `smtp://user:password@host:587` (STARTTLS
    with `smtp+tls://`, implicit TLS with `smtps://`), `console://` or `locmem://`."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url or "console://")
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ValueError(f"EMAIL_URL: unknown scheme {parts.scheme!r}")
    values = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme.startswith("smtp"):
        values.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=parts.port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_TLS=parts.scheme == "smtp+tls",
            EMAIL_USE_SSL=parts.scheme == "smtps",
        )
    return values


# Mail: console by default, so `make run` prints the reminders instead of sending them.
globals().update(email_settings(env("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "no-reply@localhost")
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
# The site's address as the agencies reach it, for the response links inside reminders.
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")
# Agencies are reminded of findings due within this many days, and of overdue ones.
REMINDER_DAYS_BEFORE = int(env("REMINDER_DAYS_BEFORE", "7"))
