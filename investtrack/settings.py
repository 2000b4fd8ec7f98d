"""Settings for every way of running InvestTrack, read from the environment.

The embedded defaults need no server: a SQLite file in the project and Celery tasks run
in-process. Production sets DEBUG=false and must then provide SECRET_KEY.
"""

from datetime import timedelta
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
elif not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith(("django-insecure", "insecure"))
):
    # Django's own check (security.W009) only warns; a guessable key signs sessions and resets.
    raise ImproperlyConfigured(
        "生产环境的 SECRET_KEY 太弱：须至少 50 个字符、5 种以上不同字符的随机串，"
        "例如 python3 -c 'import secrets; print(secrets.token_urlsafe(50))' 生成的值。"
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "investtrack.apps.AuditedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tables2",
    "django_filters",
    "common",
    "accounts",
    "targets",
    "projects",
    "reporting",
    "stewards",
    "audit",
    "demo",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "common.clock.ClockMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.AccountSecurityMiddleware",
    "accounts.middleware.ContentSecurityPolicyMiddleware",
    "accounts.middleware.PrivateCacheMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
    {"NAME": "accounts.validators.PasswordHistoryValidator"},
]
# A superuser's flag opens every page and permission in development only (the demo's admin); in
# production (DEBUG=false) it grants nothing beyond its roles, whatever the environment says.
SUPERUSER_BYPASS = DEBUG and env.bool("SUPERUSER_BYPASS", default=True)
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.RoleModelBackend"]

# 等保2.0 身份鉴别: LOGIN_FAILURE_LIMIT wrong passwords or second-factor codes lock the login for
# LOCKOUT_MINUTES (a failure older than that is forgotten). The lock holds a username *from one
# address*: someone elsewhere cannot lock a colleague out by guessing at their username.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOCKOUT_MINUTES = env.int("LOCKOUT_MINUTES", default=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = False
# The lock ends LOCKOUT_MINUTES after it began: further tries while locked do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "audit.services.request_source_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# Change the password at first login and after PASSWORD_MAX_AGE_DAYS; it may not be any of the
# last PASSWORD_HISTORY_COUNT passwords.
FORCE_PASSWORD_CHANGE = env.bool("FORCE_PASSWORD_CHANGE", default=True)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
# A second factor (django-otp: TOTP, one-time recovery codes) for the roles of
# accounts.roles.OTP_ROLES when OTP_REQUIRED (on in production unless turned off explicitly).
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEBUG)
OTP_ISSUER = env.str("OTP_ISSUER", default="InvestTrack")
OTP_TOTP_ISSUER = OTP_ISSUER
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# 安全审计: events are kept at least six months (网络安全法 第二十一条); the purge refuses less.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
# Whether Celery beat runs the purge; off where the app's database role may not delete from the
# audit log (docker-compose.yml): there the table owner runs `manage.py audit_purge`.
AUDIT_PURGE_SCHEDULED = env.bool("AUDIT_PURGE_SCHEDULED", default=True)
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
# Site photos: a storage of their own with no URL, read only through the permission-checked views of
# projects/views/photos.py. The web server in front must not serve this folder.
SITE_PHOTO_ROOT = env.str("SITE_PHOTO_ROOT", default=str(Path(str(MEDIA_ROOT)) / "site_photos"))
STORAGES["site_photos"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": SITE_PHOTO_ROOT},
}

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

# An export still 排队中 or 生成中 this long after it was asked for or started is marked failed.
EXPORT_TIMEOUT_MINUTES = env.int("EXPORT_TIMEOUT_MINUTES", default=30)

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
# Imports refuse a sheet of more data rows than this (counted before any cell is parsed) and list at
# most IMPORT_ERRORS_SHOWN of a file's problems, with their total.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_ERRORS_SHOWN = env.int("IMPORT_ERRORS_SHOWN", default=200)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A site photo is a file, not a form field, so DATA_UPLOAD_MAX_MEMORY_SIZE does not bound it:
# projects.photos refuses one over its own limit (MAX_UPLOAD_BYTES) before decoding it.

DEPLOYMENT_NAME = env.str("DEPLOYMENT_NAME", default="经开区")
# The address e-mailed notices link back to (the intranet name users open the system by).
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

# The open API (api/, README "开放接口"): tokens, JSON only, cursor pages, one error shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermission"],
    "DEFAULT_PARSER_CLASSES": ["api.limits.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.limits.Cursor",
    "DEFAULT_THROTTLE_CLASSES": ["api.limits.TokenRateThrottle"],
    "EXCEPTION_HANDLER": "api.core.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.core.ErrorResponsesSchema",
    # Per token: a unit's system pushing its month makes a few dozen calls, not thousands.
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_THROTTLE_RATE", default="600/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "InvestTrack 固定资产投资管理系统开放接口",
    "DESCRIPTION": "每次调用以令牌所属用户的身份和权限执行，与页面相同。令牌：Authorization: Bearer <令牌>。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}

# 项目代码 (projects/codes.py): a new project's code must have been given inside this 行政区划 (410171
# 郑州经济技术开发区; a city's 410100 takes every 4101xx), or under one of the older regions whose
# land the deployment took over (管城回族区 410104, 中牟县 410122): those are listed as 旧区划代码.
PROJECT_CODE_REGION = env.str("PROJECT_CODE_REGION", default="410171")
PROJECT_CODE_LEGACY_REGIONS = env.list("PROJECT_CODE_LEGACY_REGIONS", default=["410104", "410122"])
for _region in [PROJECT_CODE_REGION, *PROJECT_CODE_LEGACY_REGIONS]:
    if not (len(_region) == 6 and _region.isdigit()):
        raise ImproperlyConfigured(f"行政区划代码「{_region}」应为 6 位数字（PROJECT_CODE_REGION 等）。")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    # Every failed login is in the audit log already; django-axes would log each one again.
    "loggers": {"axes": {"level": "ERROR"}},
}
