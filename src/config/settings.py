"""CTM settings: one file, driven by environment variables (see the table in README.md)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("CTM_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = env_bool("CTM_DEBUG", False)
# A development key is generated into var/ when none is configured; production must set CTM_SECRET_KEY.
SECRET_KEY = os.environ.get("CTM_SECRET_KEY", "")
ALLOWED_HOSTS = [
    h for h in os.environ.get("CTM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CTM_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
CSRF_FAILURE_VIEW = "ctm.core.views.errors.csrf_failure"  # the site's error page, translated

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_zxcvbn_password_validator",  # no models: installed for its translations (the strength rule's words)
    "ctm.core",
    "ctm.accounts",
    "ctm.cases",
    "ctm.directory",
    "ctm.funds",
    "ctm.linkage",
    "ctm.privacy",
    "ctm.assistance",
    "ctm.referrals",
    "ctm.reintegration",
    "ctm.api",
    "django_tasks",
    "django_tasks_db",
    "ctm.runtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx
    "ctm.core.middleware.HtmxNavigationMiddleware",  # a redirect elsewhere (login, step) reloads the page
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "axes.middleware.AxesMiddleware",
    "ctm.accounts.middleware.IdleTimeoutMiddleware",
    "ctm.accounts.middleware.TwoFactorRequiredMiddleware",
    "ctm.core.middleware.TenantScopeMiddleware",  # after request.membership is known
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ctm.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "ctm.core.interfaces.renderer.FormRenderer"  # Django's, selects written in Python (same bytes)
WSGI_APPLICATION = "config.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ctm.core.context_processors.ctm",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("CTM_DATABASE_URL", f"sqlite:///{VAR_DIR / 'ctm.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL: readers never wait for the writer; a busy writer is waited for (timeout, seconds) instead of
    # failing with "database is locked"; synchronous=NORMAL is WAL's documented safe setting.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env_int("CTM_SQLITE_BUSY_TIMEOUT", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # zxcvbn's estimate: refuses what the three above let through (aaaaaaaaaaaa, keyboard walks, dates)
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
PASSWORD_MINIMAL_STRENGTH = 3  # zxcvbn score 0-4; 3 = "safely unguessable" against offline attacks
PASSWORD_EXTRA_DICTIONARY = ["ctm", "counter-trafficking", "trafficking"]
# django-axes first: it refuses a locked-out username before the password is even hashed
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login protection and sessions
CTM_LOCKOUT_THRESHOLD = env_int("CTM_LOCKOUT_THRESHOLD", 5)
CTM_LOCKOUT_MINUTES = env_int("CTM_LOCKOUT_MINUTES", 15)
# django-axes (docs/data-protection.md, "Login"): failures are counted per username, known or not, so a
# locked account and an unknown name get the same answer; the login page itself shows the answer.
AXES_FAILURE_LIMIT = CTM_LOCKOUT_THRESHOLD
AXES_COOLOFF_TIME = timedelta(minutes=CTM_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ctm.accounts.views.auth.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the activity log; no second, unchained record
AXES_VERBOSE = False
# Locking by IP address too would lock a whole office behind one NAT or proxy address after one
# person's typos; spraying one password over many names meets the zxcvbn strength rule instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# django-otp: wrong codes double the wait before the next try (1 s, 2 s, 4 s …); a code is accepted once
OTP_TOTP_ISSUER = "CTM"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
CTM_IDLE_TIMEOUT = timedelta(minutes=env_int("CTM_IDLE_TIMEOUT_MINUTES", 30))
SESSION_COOKIE_AGE = env_int("CTM_SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("CTM_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Encryption of identifying data at rest: "id:base64key,id:base64key"; the first is used to encrypt.
CTM_ENCRYPTION_KEYS = os.environ.get("CTM_ENCRYPTION_KEYS", "")
CTM_BLIND_INDEX_KEY = os.environ.get("CTM_BLIND_INDEX_KEY", "")

# Attachments
CTM_ATTACHMENT_MAX_BYTES = env_int("CTM_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = CTM_ATTACHMENT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = CTM_ATTACHMENT_MAX_BYTES + 1024 * 1024

# Internationalization
LANGUAGE_CODE = os.environ.get("CTM_LANGUAGE", "en")
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "ctm" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise serves the static files: hashed names, gzip-compressed copies and far-future caching for
# what `collectstatic` wrote (`ctm serve` runs it); the apps' own folders as a fallback (`ctm runserver`).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "ctm.runtime.staticfiles.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600  # unhashed names (the fallback); hashed names are cached for ten years
WHITENOISE_ROOT = BASE_DIR / "ctm" / "core" / "public"  # /favicon.ico, which browsers ask for by that name

CTM_CASE_PAGE_SIZE = env_int("CTM_CASE_PAGE_SIZE", 25)
# The manager views' figures are read from a snapshot per organization, office and language: one older
# than REFRESH is shown and a new one queued for the job worker; one older than MAX_AGE (or of another
# day) is computed again on the request. REFRESH 0: computed on every request. docs/decisions/1104.
CTM_DASHBOARD_REFRESH_SECONDS = env_int("CTM_DASHBOARD_REFRESH_SECONDS", 60)
CTM_DASHBOARD_MAX_AGE_SECONDS = env_int("CTM_DASHBOARD_MAX_AGE_SECONDS", 900)

# Anonymized releases (docs/privacy.md, "Releases"): published files, privacy budget, uploads, runs
CTM_RELEASES_DIR = Path(os.environ.get("CTM_RELEASES_DIR", VAR_DIR / "releases"))
CTM_PRIVACY_TOTAL_EPSILON = float(os.environ.get("CTM_PRIVACY_TOTAL_EPSILON", "10"))
CTM_PRIVACY_UPLOAD_MAX_BYTES = env_int("CTM_PRIVACY_UPLOAD_MAX_MB", 25) * 1024 * 1024
CTM_RELEASE_STALE_MINUTES = env_int("CTM_RELEASE_STALE_MINUTES", 120)
# A linkage run or estimate silent this long was interrupted (a restart): marked failed (docs/linkage-platform.md)
CTM_JOB_STALE_MINUTES = env_int("CTM_JOB_STALE_MINUTES", 60)

# One upload policy (ctm.core.uploads): every uploaded file stays in memory, never a temporary file,
# up to the largest size any form accepts (attachments, release datasets, linkage lists of 20 MB).
FILE_UPLOAD_HANDLERS = ["ctm.core.uploads.InMemoryUploadHandler"]
CTM_UPLOAD_MAX_BYTES = max(CTM_ATTACHMENT_MAX_BYTES, CTM_PRIVACY_UPLOAD_MAX_BYTES, 20 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Request bodies and query strings are never logged: identifying data never reaches a log.
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "ctm": {"handlers": ["console"], "level": os.environ.get("CTM_LOG_LEVEL", "INFO"), "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The job queue (docs/operations.md, "Background jobs"): Django's tasks framework, stored in the database
# and run by `ctm worker`; tests use the immediate backend (the job runs at once, in the caller).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CTM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# E-mail (docs/operations.md, "E-mail"): only announcements of in-app notifications, to the people who
# opted in, sent by the job worker; never identifying data. The console backend (the default, and the
# demo's) prints them in the worker's output; production sets SMTP.
EMAIL_BACKEND = os.environ.get("CTM_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("CTM_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("CTM_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("CTM_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CTM_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("CTM_EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("CTM_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("CTM_EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("CTM_EMAIL_FROM", "CTM <ctm@localhost>")
CTM_BASE_URL = os.environ.get("CTM_BASE_URL", "http://127.0.0.1:8000")  # links in e-mails
CTM_WORKER_CONCURRENCY = env_int("CTM_WORKER_CONCURRENCY", 1)  # jobs run at once by one `ctm worker`
CTM_JOB_MEMORY_MB = env_int("CTM_JOB_MEMORY_MB", 4096)  # memory ceiling of one job's process (0: none)
# A linkage job's DuckDB: the memory it may hold (default half the job's ceiling, the rest is Python's;
# 0: DuckDB's own default), and a folder for a private spill directory per run (none: no spilling).
CTM_LINKAGE_MEMORY_MB = env_int("CTM_LINKAGE_MEMORY_MB", CTM_JOB_MEMORY_MB // 2)
CTM_LINKAGE_SPILL_DIR = os.environ.get("CTM_LINKAGE_SPILL_DIR") or None
CTM_LINKAGE_THREADS = env_int("CTM_LINKAGE_THREADS", -1)  # DuckDB threads of a job; -1: cores - 1; 0: all
CTM_JOB_NICE = env_int("CTM_JOB_NICE", 10)  # CPU priority of a job's process below the web's (0: same)
CTM_JOB_MAX_ATTEMPTS = env_int("CTM_JOB_MAX_ATTEMPTS", 2)  # an idempotent job interrupted is run again
CTM_WORKER_HEARTBEAT_SECONDS = env_int("CTM_WORKER_HEARTBEAT_SECONDS", 10)
CTM_WORKER_STALE_SECONDS = env_int("CTM_WORKER_STALE_SECONDS", 60)  # a worker silent this long is gone
CTM_WEB_WORKERS = env_int("CTM_WEB_WORKERS", 0)  # gunicorn processes of `ctm serve` (0: 2 × cores + 1)
CTM_LOG_FORMAT = os.environ.get("CTM_LOG_FORMAT", "text")  # "json": one JSON object per line

from ctm.runtime import production  # noqa: E402  (HTTPS settings, owner-only files, JSON logs)

CTM_PRODUCTION = env_bool("CTM_PRODUCTION", False)
globals().update(production.https_settings(os.environ, production=CTM_PRODUCTION))
production.use_log_format(LOGGING, CTM_LOG_FORMAT)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    production.private_file(Path(DATABASES["default"]["NAME"]))
production.private_dir(VAR_DIR)
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing folder (filled by `ctm serve`)
if CTM_PRODUCTION:  # refuse to start unsafe: debug on, a missing secret, HTTPS not configured
    production.refuse_unsafe(globals(), os.environ)

from ctm.core.keys import load_dev_secrets  # noqa: E402  (needs VAR_DIR above; fills unset secrets)

SECRET_KEY, CTM_ENCRYPTION_KEYS, CTM_BLIND_INDEX_KEY = load_dev_secrets(
    VAR_DIR,
    SECRET_KEY,
    CTM_ENCRYPTION_KEYS,
    CTM_BLIND_INDEX_KEY,
    require=not DEBUG and env_bool("CTM_PRODUCTION", False),
)

# The activity log (docs/data-protection.md, "The activity log"): the chain's keys, kept outside the
# database, and where signed checkpoints of its head are written.
from ctm.core.keys import load_audit_keys  # noqa: E402

CTM_AUDIT_KEYS = load_audit_keys(
    VAR_DIR,
    os.environ.get("CTM_AUDIT_KEYS", ""),
    require=not DEBUG and env_bool("CTM_PRODUCTION", False),
)
CTM_AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("CTM_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit-checkpoints.jsonl")
)
CTM_AUDIT_SYSLOG = os.environ.get("CTM_AUDIT_SYSLOG", "")  # udp://host:514, tcp://host:601 or /dev/log
CTM_BACKUP_KEY = production.backup_key(VAR_DIR, os.environ, production=CTM_PRODUCTION)
