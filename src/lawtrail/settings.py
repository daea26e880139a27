"""Django settings. Everything configurable comes from lawtrail.config (environment variables)."""

from __future__ import annotations

import secrets

from csp.constants import NONE, SELF

from lawtrail import config as _config
from lawtrail.files import make_private, read_or_create

CONFIG = _config.load()
DATA_DIR = CONFIG.data_dir
make_private(DATA_DIR)  # umask 077 and a 0700 data dir, before the first file is created

SECRET_KEY = CONFIG.secret_key or read_or_create(
    DATA_DIR / "secret_key", lambda: secrets.token_urlsafe(50).encode()
).decode()
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)

INSTALLED_APPS = [
    "lawtrail.access.apps.LawtrailAdminConfig",  # Django admin, entered by role (access/site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "lawtrail.ledger",
    "lawtrail.access",
    "lawtrail.cases",
    "lawtrail.records",
    "lawtrail.media",
    "lawtrail.rules",
    "lawtrail.web",
    "lawtrail.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lawtrail.web.csp.PolicyMiddleware",  # before WhiteNoise: static files (an SVG opened alone) get the policy too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lawtrail.web.middleware.IdleSessionMiddleware",
    "lawtrail.web.middleware.DeniedMiddleware",
]

ROOT_URLCONF = "lawtrail.urls"
WSGI_APPLICATION = "lawtrail.wsgi.application"

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
                "lawtrail.web.context.staff",
            ],
        },
    },
]

if CONFIG.database:
    DATABASES = {"default": CONFIG.database}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "lawtrail.sqlite3",
            "OPTIONS": {
                # IMMEDIATE: every transaction takes the write lock when it begins, so two ledger
                # appenders queue instead of both reading the same head and failing at commit.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    f"PRAGMA synchronous={CONFIG.sqlite_synchronous};"
                    "PRAGMA foreign_keys=ON;"
                    # Proofs and verify read scattered tree nodes: map the file rather than copy
                    # pages through read(), and keep a larger page cache.
                    "PRAGMA mmap_size=1073741824;"
                    "PRAGMA cache_size=-65536;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Idle sessions end: a terminal left open in a shared office must not stay logged in.
SESSION_COOKIE_AGE = CONFIG.session_idle_minutes * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# LAWTRAIL_HTTPS: served behind a TLS proxy that sets X-Forwarded-Proto (lawtrail serve then trusts
# that header, web/management/commands/serve.py). Off, plain HTTP on 127.0.0.1 (make run) works.
if CONFIG.https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True  # a plain-HTTP request that reached the proxy is sent to https://
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # No "preload": asking browsers to hard-code HTTPS for the whole registrable domain (e.g. every
    # site of a gov.cn bureau) is a decision of whoever runs that domain, and hard to undo.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp; Django 5.2 has none of its own): only this server's own
# scripts, styles and fonts — no inline code at all, so an injected <script> or on*= attribute
# never runs. img-src also allows data: for the icons Pico's stylesheet embeds (select arrows,
# checkboxes); an image cannot run script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"lawtrail": {"level": "INFO"}},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200  # one API page never pulls a whole bureau

# lawtrail's own settings, read by the apps through django.conf.settings.
LAWTRAIL_KEYS_DIR = CONFIG.keys_dir
LAWTRAIL_LOG_ORIGIN = CONFIG.log_origin
LAWTRAIL_SM2 = CONFIG.sm2
LAWTRAIL_CHECKPOINT_INTERVAL = CONFIG.checkpoint_interval
LAWTRAIL_DIGEST_HOUR = CONFIG.digest_hour  # the daily reminder digest (rules.reminders); None: off
LAWTRAIL_LEDGER_MAX_ENTRY_BYTES = CONFIG.max_entry_bytes
# Where each checkpoint is also written (ledger/witness.py): a directory and/or an S3Config.
LAWTRAIL_WITNESS_DIR = CONFIG.witness_dir
LAWTRAIL_WITNESS_S3 = CONFIG.witness_s3
# Media originals (lawtrail.media.storage.get_store): "filesystem" keeps them under MEDIA_ROOT.
# The two *_KEY names are masked on Django's error pages like every setting named KEY or SECRET.
LAWTRAIL_MEDIA_STORE = CONFIG.media_store
LAWTRAIL_S3_ENDPOINT = CONFIG.s3.endpoint if CONFIG.s3 else None
LAWTRAIL_S3_BUCKET = CONFIG.s3.bucket if CONFIG.s3 else None
LAWTRAIL_S3_REGION = CONFIG.s3.region if CONFIG.s3 else None
LAWTRAIL_S3_ACCESS_KEY = CONFIG.s3.access_key if CONFIG.s3 else None
LAWTRAIL_S3_SECRET_KEY = CONFIG.s3.secret_key if CONFIG.s3 else None
