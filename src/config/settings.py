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

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ctm.core",
    "ctm.accounts",
    "ctm.cases",
    "ctm.linkage",
    "ctm.privacy",
    "ctm.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ctm.accounts.middleware.IdleTimeoutMiddleware",
    "ctm.accounts.middleware.TwoFactorRequiredMiddleware",
    "ctm.core.middleware.TenantScopeMiddleware",  # after request.membership is known
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ctm.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"
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
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login protection and sessions
CTM_LOCKOUT_THRESHOLD = env_int("CTM_LOCKOUT_THRESHOLD", 5)
CTM_LOCKOUT_MINUTES = env_int("CTM_LOCKOUT_MINUTES", 15)
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

CTM_CASE_PAGE_SIZE = env_int("CTM_CASE_PAGE_SIZE", 25)

# Anonymized releases (docs/privacy.md, "Releases"): published files, privacy budget, uploads, runs
CTM_RELEASES_DIR = Path(os.environ.get("CTM_RELEASES_DIR", VAR_DIR / "releases"))
CTM_PRIVACY_TOTAL_EPSILON = float(os.environ.get("CTM_PRIVACY_TOTAL_EPSILON", "10"))
CTM_PRIVACY_UPLOAD_MAX_BYTES = env_int("CTM_PRIVACY_UPLOAD_MAX_MB", 25) * 1024 * 1024
CTM_RELEASE_STALE_MINUTES = env_int("CTM_RELEASE_STALE_MINUTES", 120)
CTM_JOBS_INLINE = env_bool("CTM_JOBS_INLINE", False)  # run long jobs in the request (tests only)
# A linkage run or estimate silent this long was interrupted (a restart): marked failed (docs/linkage-platform.md)
CTM_JOB_STALE_MINUTES = env_int("CTM_JOB_STALE_MINUTES", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Request bodies and query strings are never logged: identifying data never reaches a log.
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "ctm": {"handlers": ["console"], "level": os.environ.get("CTM_LOG_LEVEL", "INFO")},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

from ctm.core.keys import load_dev_secrets  # noqa: E402  (needs VAR_DIR above; fills unset secrets)

SECRET_KEY, CTM_ENCRYPTION_KEYS, CTM_BLIND_INDEX_KEY = load_dev_secrets(
    VAR_DIR,
    SECRET_KEY,
    CTM_ENCRYPTION_KEYS,
    CTM_BLIND_INDEX_KEY,
    require=not DEBUG and env_bool("CTM_PRODUCTION", False),
)
