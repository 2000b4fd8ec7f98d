"""Settings for every way of running InvestTrack, read from the environment.

The embedded defaults need no server: a SQLite file in the project and Celery tasks run
in-process. Production sets DEBUG=false and must then provide SECRET_KEY.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
# Whether this is a production deployment, fixed here: the test runner turns DEBUG off for every
# test, which must not make development look like production (loaddemo's guard reads this).
PRODUCTION = not DEBUG

_DEV_SECRET_KEY = "insecure-development-key-only-used-when-debug-is-on"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("生产环境（DEBUG=false）必须通过环境变量 SECRET_KEY 设置密钥。")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_tables2",
    "django_filters",
    "common",
    "accounts",
    "targets",
    "projects",
    "reporting",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "common.clock.ClockMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.AccountSecurityMiddleware",
    "accounts.middleware.ContentSecurityPolicyMiddleware",
]

if not DEBUG:
    # In production the app serves its own collected static files; in development runserver does.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "investtrack.urls"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "investtrack.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Production keeps each worker's connection for a minute rather than opening one per request (the
# month-end surge, bench/sections/surge.py); a connection broken meanwhile is checked and replaced.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query it estimates as costly — the cockpit's and the boards'
    # aggregates over every project — and spends longer compiling than running it (bench/RESULTS.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.NotUsernameValidator"},
]
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutModelBackend"]

# 等保2.0 身份鉴别: lock after LOGIN_FAILURE_LIMIT wrong passwords within the window; change the
# password at first login and after PASSWORD_MAX_AGE_DAYS; a second factor for the roles of
# accounts.roles.OTP_ROLES when OTP_REQUIRED (on in production unless turned off explicitly).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW_MINUTES = env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15)
LOCKOUT_MINUTES = env.int("LOCKOUT_MINUTES", default=env.int("AXES_COOLOFF_MINUTES", default=30))
FORCE_PASSWORD_CHANGE = env.bool("FORCE_PASSWORD_CHANGE", default=True)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEBUG)
OTP_ISSUER = env.str("OTP_ISSUER", default="InvestTrack")

# 安全审计: events are kept at least six months (网络安全法 第二十一条); the purge refuses less.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
# Only behind a reverse proxy that sets X-Forwarded-For may it be trusted for the source address.
AUDIT_TRUST_X_FORWARDED_FOR = env.bool("AUDIT_TRUST_X_FORWARDED_FOR", default=False)
# Where the nightly backup (audit.tasks.backup_database, `manage.py backup_db`) writes its dumps.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Front-end packages come from the npm registry at set-up (package.json) and are served by the
# app itself: the intranet has no internet, so nothing is loaded from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    BASE_DIR / "static",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# Celery: with no broker configured, tasks run in-process so the product needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="investtrack@localhost")

# Idle sessions end after SESSION_COOKIE_AGE seconds: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Behind a TLS-terminating proxy, name the header it sets, e.g. "HTTP_X_FORWARDED_PROTO,https".
    if env.str("SECURE_PROXY_SSL_HEADER", default=""):
        SECURE_PROXY_SSL_HEADER = tuple(env.list("SECURE_PROXY_SSL_HEADER"))
# The pages' own scripts are static files (no inline <script> or on…= handlers), so script-src
# is 'self' only. style-src also allows 'unsafe-inline': templates size columns and progress bars
# with style="" attributes, which CSP cannot allow by hash or nonce; styles cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)

# Uploads: the spreadsheet reader refuses files over its own limit with a Chinese message; these
# keep anything larger from being held in memory first.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

DEPLOYMENT_NAME = env.str("DEPLOYMENT_NAME", default="经开区")
# The address e-mailed notices link back to (the intranet name users open the system by).
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
