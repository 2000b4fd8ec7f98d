"""月末高峰: gunicorn as in production, reporters saving their unit's month grid at once — 50 on
the province, then a whole city's 200 (the city profile, in a child process) — and what one grid
and one save cost in CPU, against today's.

``python -m bench.section surge PROFILE`` (``BENCH_SURGE_SECONDS``, default 180, bounds each
measured window; ``python -m bench.section surge city surge-only`` runs the city's surge alone).

First, the CPU milliseconds of one grid and one save (``bench/grid_cpu.py``, Django's test client,
process CPU time): ours, and today's — the commit ``BENCH_SURGE_TODAY`` (by default the last one
before the grid's script saved by line), exported with ``git archive`` and measured by the same
script on the same database, turn about with ours. Today's save is the whole grid posted and the
page the redirect brings back; ours is the changed lines as JSON. Then, for each surge, the section

1. picks the latest reported month and up to 50 units with projects to report in it whose return
   is still a draft (or not started), and gives each a reporter of its own (``surge0001`` …,
   created or refreshed here, one password hashed once, past the first-login password change);
2. collects the static files into a temporary STATIC_ROOT and starts gunicorn with
   ``gunicorn.conf.py`` and the production settings (DEBUG off, OTP on — a 填报员 needs none) on a
   free loopback port, as if behind the TLS proxy (``SECURE_PROXY_SSL_HEADER``);
3. runs ``bench/locustfile.py`` headless against it: each reporter logs in once, then reads the
   grid, types for 10–20 s and saves, for the measured window (which opens mid-hour: each
   reporter's first save comes after what is left of a think time, ``typing_left``);
4. stops locust and gunicorn with their whole process groups, whatever happened.

Lines: CPU per grid and per save against today's (goal: half of today's or less; the save
without the script no dearer than today's); for each surge the errors (goal 0), the p95 of the
save and of the grid page (goal ≤ 300 ms each), and the CPU the load generator itself took on the
same cores (locust's own process time over the window, against the window's two cores; goal: a
quarter of them or less).
The saves change a few amounts by a cent and back, and add history rows and versions: run it last.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from pathlib import Path

from bench.harness import Line, run_section

ROOT = Path(__file__).resolve().parents[2]
USERS = {"province": 50, "city": 200, "district": 50}
P95_GOAL_MS = 300.0
# Today's code: main before the grid's script saved by line (the whole grid posted, then redirected).
TODAY = os.environ.get("BENCH_SURGE_TODAY", "08a097068abb373b5ec427fb56988f8188558536")
CPU_REPEAT = 7
CPU_ROUNDS = 2
CPU_GOAL = 0.5  # "a fraction of today's"
GENERATOR_SHARE_GOAL = 0.25
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
# Logging people in (one password hash each, some 1–2 s on a busy 2-core machine) comes before the
# window and is not measured; it bounds how long locust may run beside the window.
LOGIN_ALLOWANCE_SECONDS_PER_USER = 4.8


def measure(profile: str, *args: str) -> list[Line]:
    # gunicorn and locust run in sessions of their own: a SIGTERM to this process must still go
    # through the ``finally`` blocks that stop them.
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        if args[:1] == ("surge-only",):
            return _measure(profile)
        lines = cpu_lines(profile)
        lines += _measure(profile)
        if profile == "province":
            lines += [Line(**line) for line in run_section("surge", "city", "surge-only")]
        return lines
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminated(signum, frame):
    raise SystemExit(f"月末高峰：收到信号 {signum}，停止 gunicorn 与 locust")


def _measure(profile: str) -> list[Line]:
    seconds = int(os.environ.get("BENCH_SURGE_SECONDS", "180"))
    year, month = surge_month()
    password = secrets.token_urlsafe(12) + "Aa1!"
    reporters = surge_reporters(year=year, month=month, limit=USERS[profile], password=password)
    with tempfile.TemporaryDirectory(prefix="bench_surge_") as tmp:
        work = Path(tmp)
        env = production_env()
        env["STATIC_ROOT"] = str(collected_static(env))
        plan = work / "plan.json"
        plan.write_text(
            json.dumps({"reporters": reporters, "password": password, "seconds": seconds}),
            encoding="utf-8",
        )
        with gunicorn_serving(env, log=work / "gunicorn.log") as base_url:
            result = locust_run(
                base_url,
                plan=plan,
                result=work / "result.json",
                users=len(reporters),
                seconds=seconds,
                log=work / "locust.log",
            )
    return surge_lines(profile, result, users=len(reporters), seconds=seconds, month=(year, month))


def cpu_lines(profile: str) -> list[Line]:
    """One grid and one save, ours against today's, in CPU milliseconds (see the module's text)."""
    from django.db import connection

    year, month = surge_month()
    (reporter,) = surge_reporters(year=year, month=month, limit=1, password=secrets.token_urlsafe(16))
    database = connection.settings_dict["NAME"]
    today = today_checkout()
    ours_runs, today_runs = [], []
    for _ in range(CPU_ROUNDS):
        today_runs.append(grid_cpu(today, database, reporter))
        ours_runs.append(grid_cpu(ROOT, database, reporter))
    ours = {key: statistics.median(run[key] for run in ours_runs) for key in ours_runs[0]}
    then = {key: statistics.median(run[key] for run in today_runs) for key in today_runs[0]}
    scene = f"{year}年{month}月，{reporter['projects']}个项目的填报表，进程 CPU，{CPU_REPEAT}次中位数"
    today_label = f"今天的代码（{TODAY[:7]}）"
    return [
        Line(
            figure=f"打开填报表：每次 CPU（{scene}）",
            profile=profile,
            value=ours["grid"],
            limit=then["grid"],
            unit="ms",
            goal=CPU_GOAL,
            limit_label=f"{today_label}打开同一填报表",
        ),
        Line(
            figure=f"保存填报表：每次 CPU，页面脚本只发改动的 2 行（{scene}）",
            profile=profile,
            value=ours["rows"],
            limit=then["post_and_grid"],
            unit="ms",
            goal=CPU_GOAL,
            limit_label=f"{today_label}整表提交并重新打开",
        ),
        Line(
            figure=f"保存填报表：每次 CPU，无脚本整表提交并重新打开（{scene}）",
            profile=profile,
            value=ours["post_and_grid"],
            limit=then["post_and_grid"],
            unit="ms",
            goal=1.0,
            limit_label=f"{today_label}整表提交并重新打开",
        ),
    ]


def today_checkout() -> Path:
    """Today's code (``TODAY``), exported once with ``git archive`` into the temporary directory."""
    target = Path(tempfile.gettempdir()) / f"investtrack_bench_today_{TODAY[:12]}"
    if not (target / "manage.py").exists():
        building = Path(tempfile.mkdtemp(prefix=target.name + "_building_"))
        archive = subprocess.run(
            ["git", "archive", "--format=tar", TODAY], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(building)], input=archive.stdout, check=True)
        try:
            building.rename(target)
        except OSError:  # another run got there first
            shutil.rmtree(building, ignore_errors=True)
    return target


def grid_cpu(checkout: Path, database: str, reporter: dict) -> dict[str, float]:
    """``bench/grid_cpu.py`` against ``checkout``'s code (first on the path, and the working directory)."""
    env = os.environ | {"PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "grid_cpu.py"), database, reporter["username"],
         reporter["grid"], str(CPU_REPEAT)],
        cwd=checkout, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"bench/grid_cpu.py（{checkout}）失败：\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def surge_month() -> tuple[int, int]:
    """The latest month with reports: the one the reporters are filling in at month-end."""
    from projects.models import ProjectReport

    latest = ProjectReport.objects.order_by("-year", "-month").values("year", "month").first()
    if latest is None:
        raise RuntimeError("数据库中没有月报，请先生成基准数据（python -m bench.generate）")
    return latest["year"], latest["month"]


def surge_reporters(*, year: int, month: int, limit: int, password: str) -> list[dict]:
    """One reporter per unit for up to ``limit`` units whose month is open to them; idempotent."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db.models import Exists, OuterRef
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import Role
    from reporting.choices import SubmissionStatus
    from reporting.models import Submission
    from reporting.selectors.monthly import month_projects
    from targets.models import Unit

    closed = Submission.objects.filter(unit=OuterRef("pk"), year=year, month=month).exclude(
        status=SubmissionStatus.DRAFT
    )
    reporting = month_projects(year=year, month=month).filter(reporting_unit=OuterRef("pk"))
    units = list(
        Unit.objects.filter(Exists(reporting), ~Exists(closed), is_active=True).order_by("pk")[:limit]
    )
    if not units:
        raise RuntimeError(f"{year}年{month}月没有仍可填报（草稿或未报送）且有项目的单位")
    group = Group.objects.get(name=Role.REPORTER)
    encoded = make_password(password)  # hashed once: fifty hashes would take longer than the run
    reporters = []
    for unit in units:
        user, _ = User.objects.update_or_create(
            username=f"surge{unit.pk:04d}",
            defaults={
                "unit": unit,
                "password": encoded,
                "password_changed_at": timezone.now(),
                "is_active": True,
                "last_name": "高峰测试",
            },
        )
        user.groups.set([group])
        grid = reverse("reporting:month", kwargs={"unit_id": unit.pk, "year": year, "month": month})
        projects = month_projects(year=year, month=month, unit=unit).count() if limit == 1 else None
        reporters.append({"username": user.username, "grid": grid, "projects": projects})
    return reporters


def production_env() -> dict[str, str]:
    """docker-compose.yml's settings, on the loopback and the profile's database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_", "CELERY_", "SECURE_", "OTP_", "DEBUG"))
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "investtrack.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": os.environ["DATABASE_URL"],  # the profile's, set by bench.section
        # Saving a grid queues no task; the broker is production's kind all the same.
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
        # The TLS proxy in front of production says the request came over HTTPS.
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    }


def collected_static(env: dict[str, str]) -> Path:
    """``collectstatic`` as the image build runs it, once per state of the static sources.

    Compressing every vendor file takes minutes on a shared machine, so the result is kept in the
    temporary directory under a name drawn from the sources' names, sizes and times.
    """
    from django.contrib.staticfiles.finders import get_finders

    sources = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            sources.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    target = Path(tempfile.gettempdir()) / f"investtrack_bench_static_{sources.hexdigest()[:16]}"
    if not (target / "staticfiles.json").exists():
        building = Path(tempfile.mkdtemp(prefix=target.name + "_building_"))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env | {"STATIC_ROOT": str(building)},
            check=True,
        )
        try:
            building.rename(target)
        except OSError:  # another run got there first
            shutil.rmtree(building, ignore_errors=True)
    return target


def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != 8000:  # the developers' runserver
            return port


@contextmanager
def gunicorn_serving(env: dict[str, str], *, log: Path, start_timeout: float = 60.0):
    """gunicorn with ``gunicorn.conf.py`` on a free loopback port; stopped with all its workers."""
    port = free_port()
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "investtrack.wsgi:application"],
            cwd=ROOT,
            env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_serving(server, base_url, start_timeout, log)
            yield base_url
        finally:
            _stop_group(server)


def _wait_until_serving(server: subprocess.Popen, base_url: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(base_url + "/login/", headers={"X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn 启动失败：\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn 在 {timeout:.0f} 秒内未就绪：\n{log.read_text(errors='replace')[-3000:]}")


def _stop_group(process: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM to the process group (gunicorn stops its workers), then SIGKILL to any straggler."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)


def locust_run(base_url: str, *, plan: Path, result: Path, users: int, seconds: int, log: Path) -> dict:
    """locust headless on the loopback; its own clock ends the window, ``--run-time`` bounds it all."""
    bound = seconds + round(max(240, LOGIN_ALLOWANCE_SECONDS_PER_USER * users))
    command = [
        sys.executable, "-m", "locust",
        "-f", str(ROOT / "bench" / "locustfile.py"),
        "--headless", "--only-summary", "--skip-log-setup",
        "--host", base_url,
        "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{bound}s", "--stop-timeout", "10",
    ]  # fmt: skip
    env = os.environ | {"BENCH_SURGE_PLAN": str(plan), "BENCH_SURGE_RESULT": str(result)}
    with open(log, "wb") as out:
        locust = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            locust.wait(timeout=bound + 60)
        except subprocess.TimeoutExpired:
            pass
        finally:
            _stop_group(locust, grace=10.0)
    if not result.exists():
        raise RuntimeError(f"locust 未写出结果：\n{log.read_text(errors='replace')[-3000:]}")
    figures = json.loads(result.read_text(encoding="utf-8"))
    print(f"月末高峰 locust: {figures}", file=sys.stderr)  # the errors by kind, for whoever reads the log
    if figures.get("never_started") or not figures.get("saves"):
        raise RuntimeError(f"月末高峰没有完成任何保存：{figures}\n{log.read_text(errors='replace')[-3000:]}")
    return figures


def surge_lines(
    profile: str, result: dict, *, users: int, seconds: int, month: tuple[int, int]
) -> list[Line]:
    scene = f"{users}人，{seconds}秒，{month[0]}年{month[1]}月"
    if not result["saves"] or not result["grids"]:
        raise RuntimeError(
            f"月末高峰（{scene}）窗口内保存 {result['saves']} 次、重新打开填报表 {result['grids']} 次，"
            "无法计算 p95：请加长 BENCH_SURGE_SECONDS"
        )
    errors = result["failures"] + result["exceptions"] + result["failed_logins"] + result["unreadable_pages"]
    return [
        Line(
            figure=f"月末高峰：错误（{scene}）",
            profile=profile,
            value=float(errors),
            limit=0.0,
            unit="次",
            goal=1.0,
            limit_label="目标",
            exact=True,
        ),
        Line(
            figure=f"月末高峰：保存填报表 p95（{scene}，共{result['saves']}次）",
            profile=profile,
            value=float(result["save_p95_ms"]),
            limit=P95_GOAL_MS,
            unit="ms",
            goal=1.0,
            limit_label="目标",
        ),
        Line(
            figure=f"月末高峰：打开填报表 p95（{scene}，共{result['grids']}次）",
            profile=profile,
            value=float(result["grid_p95_ms"]),
            limit=P95_GOAL_MS,
            unit="ms",
            goal=1.0,
            limit_label="目标",
        ),
        Line(
            figure=f"月末高峰：负载生成器 locust 自身 CPU（{scene}，与被测服务同机）",
            profile=profile,
            value=float(result["locust_cpu_seconds"]),
            limit=float(result["window_seconds"] * CORES),
            unit="s",
            goal=GENERATOR_SHARE_GOAL,
            limit_label=f"窗口 {result['window_seconds']:.0f} 秒 × {CORES} 核",
        ),
    ]
