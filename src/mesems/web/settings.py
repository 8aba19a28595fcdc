"""Django settings. Deployment facts come from the environment:

MESEMS_DATABASE_URL  database URL; SQLite file under MESEMS_DATA_DIR when absent
MESEMS_DATA_DIR      where the SQLite file and the generated secret key live (default ./var)
MESEMS_SECRET_KEY    the secret key (generated and kept in MESEMS_DATA_DIR when absent)
MESEMS_DEBUG         "1" for Django's debug pages (never in production)
MESEMS_PRODUCTION    "1" behind HTTPS: secure cookies, HSTS, SSL redirect
MESEMS_ALLOWED_HOSTS comma-separated host names (default 127.0.0.1,localhost)
MESEMS_CSRF_TRUSTED_ORIGINS comma-separated origins (https://trial.example.org) when a proxy rewrites the host
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

import dj_database_url

SRC_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MESEMS_DATA_DIR", "var")).resolve()
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("MESEMS_SECRET_KEY"):
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
PRODUCTION = os.environ.get("MESEMS_PRODUCTION") == "1"
DEBUG = os.environ.get("MESEMS_DEBUG") == "1" and not PRODUCTION  # debug pages show local variables: never in production
ALLOWED_HOSTS = os.environ.get("MESEMS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "mesems.web.apps.accounts",
    "mesems.web.apps.audit",
    "mesems.web.apps.trials",
    "mesems.web.apps.visits",
    "mesems.web.apps.safety",
    "mesems.web.apps.allocation",
    "mesems.web.apps.cellproduct",
    "mesems.web.apps.screening",
    "mesems.web.apps.datasets",
]

MIDDLEWARE = [
    "mesems.web.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mesems.web.middleware.RefuseNulMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mesems.web.apps.accounts.middleware.SiteTimezoneMiddleware",
    "mesems.web.middleware.MesemsErrorMiddleware",
    "mesems.web.access.MatrixMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mesems.web.urls"
WSGI_APPLICATION = "mesems.web.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mesems.web.apps.accounts.context.role",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = os.environ.get("MESEMS_DATABASE_URL")
    if url:
        # A connection is kept for a minute and reused by the next request of its thread: opening one
        # costs PostgreSQL a new backend process, more than a whole allocation's statements.
        config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("MESEMS_DB_CONN_MAX_AGE", "60")), conn_health_checks=True)
        # Each checkout gets its own test database, so parallel checkouts never share one.
        checkout = hashlib.sha1(str(SRC_DIR).encode()).hexdigest()[:8]
        config["TEST"] = {"NAME": f"test_{config['NAME']}_{checkout}"}
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "mesems.sqlite3",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mesems.web.apps.accounts.views.locked_out"
AXES_VERBOSE = False
# Lockout is per account, not per address: the staff of a hospital share one NAT address, and one
# person's typos must not lock out a whole ward. axes.W006 warns about exactly that choice.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

SESSION_COOKIE_AGE = 30 * 60
API_TOKEN_IDLE_SECONDS = int(os.environ.get("MESEMS_API_TOKEN_IDLE_SECONDS", str(SESSION_COOKIE_AGE)))
"""An API token unused for this long stops working, like a session left idle."""
SESSION_SAVE_EVERY_REQUEST = True  # expiry counts from the last request: inactivity logs out
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("MESEMS_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
if PRODUCTION:
    # The __Host- prefix makes the browser refuse these cookies unless they are Secure, host-only and for path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sv", "Svenska"), ("it", "Italiano")]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [SRC_DIR / "static"]
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get("MESEMS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = "mesems@localhost"
SPONSOR_NOTIFICATION_EMAILS = os.environ.get("MESEMS_SPONSOR_EMAILS", "sponsor@localhost").split(",")
OTP_TOTP_ISSUER = "mesems"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Exception messages, local variables, request bodies and query strings never reach the log:
    # they may hold patient data. The filter keeps the exception's type and where it was raised.
    "filters": {"no_patient_data": {"()": "mesems.web.logfilters.NoPatientData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_patient_data"]}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "mesems": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
