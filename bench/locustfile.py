"""The month-end surge's load, run by ``bench.sections.surge`` (locust, headless, loopback only).

Each simulated user is one reporter of one unit, as the section lists them in the JSON file named
by ``BENCH_SURGE_PLAN``. A user logs in once (``on_start``: the login is not measured), opens the
unit's month grid, then loops like a person at month-end: types a few figures and saves them as a
draft (``THINK_SECONDS``: 10–20 s to type two or three amounts into a grid of some eighty
projects; a closed loop with no think time would measure a denial of service, not a month-end).
The save is what the grid's script sends: the changed lines only, as JSON to the form's
``data-rows-url``, with the page's CSRF token, the return's version and each line's version, which
the answer renews; the page is not reloaded. Every ``GRID_EVERY`` saves the reporter opens the grid
again (back from another page, another tab, a reload), which also reads the versions afresh.

The measured window opens once every user has logged in: the statistics are reset then, and the
figures are written to ``BENCH_SURGE_RESULT`` after ``seconds`` (the plan's) and locust quits.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from decimal import Decimal
from html import unescape

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task
from locust.exception import StopUser

# How long a reporter spends typing between two saves. 50 reporters at 10–20 s save 2.5–5 grids a
# second, the whole jurisdiction at the deadline hour. At 2–5 s (12.5 a second) a 2-core machine
# running gunicorn, PostgreSQL and locust together is saturated: p95 3.4 s (bench/RESULTS.md).
THINK_SECONDS = (10, 20)
GRID_EVERY = 3
SAVE = "保存填报表 POST"
GRID = "打开填报表 GET"
LOGIN = "登录（不计入）"
CENT = Decimal("0.01")
# Behind the production TLS proxy: the app sees HTTPS (SECURE_PROXY_SSL_HEADER), so no redirect
# to https://, and the browser sends its Origin with every POST as Django's CSRF check expects.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

with open(os.environ["BENCH_SURGE_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)

_free = list(PLAN["reporters"])
_arrived = 0
_all_in = Event()
_lost = {"logins": 0, "bad_pages": 0}
_window: dict[str, float] = {}


_INPUT = re.compile(r"<input\b[^>]*>")
_TEXTAREA = re.compile(r"<textarea\b[^>]*\bname=\"([^\"]*)\"[^>]*>(.*?)</textarea>", re.S)
_ATTRIBUTE = re.compile(r'\b(type|name|value)="([^"]*)"')
_ROWS_URL = re.compile(r'data-rows-url="([^"]+)"')


def form_fields(page: str, *, marker: str = "submission_version") -> dict[str, str] | None:
    """What a browser posts from the page's form holding the field ``marker`` (the grid's by
    default). Regular expressions, not an HTML parser: parsing a province grid that way took
    ~40 ms of the CPU the server under test shares with this process."""
    for form in page.split("<form")[1:]:
        form = form.split("</form>", 1)[0]
        if f'name="{marker}"' not in form:
            continue
        fields = {}
        for tag in _INPUT.findall(form):
            attributes = dict(_ATTRIBUTE.findall(tag))
            if "name" in attributes and attributes.get("type") not in ("checkbox", "submit"):
                fields[unescape(attributes["name"])] = unescape(attributes.get("value", ""))
        for name, text in _TEXTAREA.findall(form):
            # A browser drops the newline that follows <textarea>.
            fields[unescape(name)] = unescape(text.removeprefix("\n"))
        return fields
    return None


def _arrive(runner) -> None:
    """One more user is logged in (or gave up); the last one opens the measured window."""
    global _arrived
    _arrived += 1
    if _arrived == len(PLAN["reporters"]) and not _all_in.is_set():
        _all_in.set()
        runner.stats.reset_all()
        runner.exceptions.clear()
        _window.update(cpu=time.process_time(), clock=time.monotonic())
        gevent.spawn_later(PLAN["seconds"], _finish, runner)


def _finish(runner) -> None:
    stats = runner.stats
    save, grid = stats.get(SAVE, "POST"), stats.get(GRID, "GET")
    measured = (save, grid)
    result = {
        "saves": save.num_requests,
        "save_p95_ms": save.get_response_time_percentile(0.95) if save.num_requests else None,
        "grids": grid.num_requests,
        "grid_p95_ms": grid.get_response_time_percentile(0.95) if grid.num_requests else None,
        "failures": sum(entry.num_failures for entry in measured),
        "exceptions": sum(error["occurrences"] for error in runner.exceptions.values()),
        "failed_logins": _lost["logins"],
        "unreadable_pages": _lost["bad_pages"],
        "errors": {str(key): error.occurrences for key, error in stats.errors.items()},
        # locust's own CPU over the window: it runs on the cores it measures.
        "locust_cpu_seconds": time.process_time() - _window["cpu"],
        "window_seconds": time.monotonic() - _window["clock"],
    }
    with open(os.environ["BENCH_SURGE_RESULT"], "w", encoding="utf-8") as out:
        json.dump(result, out, ensure_ascii=False)
    runner.quit()


def typing_left() -> float:
    """How long a reporter still types before their first save in the window: the window opens in
    the middle of the deadline hour, each reporter somewhere in their 10–20 s between two saves,
    not all of them about to press 保存 at once. Drawn from the steady state of that loop (the time
    left of a think time running when the window opens): uniform up to 10 s, then thinning out to
    20 s, so saves arrive from the first second at the rate they keep for the whole window."""
    shortest, longest = THINK_SECONDS
    while True:
        left = random.uniform(0, longest)
        if left <= shortest or random.uniform(shortest, longest) >= left:
            return left


class Reporter(HttpUser):
    wait_time = between(*THINK_SECONDS)

    def on_start(self):
        self.reporter = _free.pop()
        self.client.headers.update(PROXY_HEADERS | {"Origin": self.host.replace("http://", "https://")})
        self.fields: dict[str, str] | None = None
        self.rows_url: str | None = None
        self.original: dict[str, str] = {}
        self.saves = 0
        try:
            if self._log_in():
                self._open_grid(name=LOGIN)
        finally:
            _arrive(self.environment.runner)
        if self.fields is None:
            raise StopUser()
        _all_in.wait()
        gevent.sleep(typing_left())

    def _received(self) -> None:
        """The cookies are Secure (production) and the browser's HTTPS ends at the proxy, which is
        not here: keep sending them over the loopback's plain HTTP."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def _log_in(self) -> bool:
        page = self.client.get("/login/", name=LOGIN)
        self._received()
        form = form_fields(page.text, marker="username") or {}
        with self.client.post(
            "/login/",
            data=form | {"username": self.reporter["username"], "password": PLAN["password"]},
            headers={"Referer": page.url},
            name=LOGIN,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "password" in response.headers.get("Location", ""):
                response.failure(f"登录失败：{response.status_code} {response.headers.get('Location')}")
                _lost["logins"] += 1
                return False
        self._received()
        return True

    def _open_grid(self, *, name: str = GRID) -> None:
        with self.client.get(self.reporter["grid"], name=name, catch_response=True) as response:
            fields = form_fields(response.text) if response.status_code == 200 else None
            rows_url = _ROWS_URL.search(response.text) if fields is not None else None
            if fields is None or rows_url is None:
                response.failure(f"填报表无法编辑：{response.status_code}")
                _lost["bad_pages"] += 1
                fields = None
            self.fields = fields
            self.rows_url = unescape(rows_url.group(1)) if rows_url else None
        self._received()

    def _changed_lines(self) -> list[dict]:
        """Two or three lines changed by a cent, then back: the figures never drift."""
        amounts = [name for name, value in self.fields.items() if name.startswith("amount_") and value]
        lines = []
        for name in random.sample(amounts, min(len(amounts), random.randint(2, 3))):
            original = self.original.setdefault(name, self.fields[name])
            if self.fields[name] == original and Decimal(original) >= CENT:
                amount = str(Decimal(original) - CENT)
            else:
                amount = original
            pid = name.removeprefix("amount_")
            lines.append(
                {
                    "project": int(pid),
                    "amount": amount,
                    "progress": self.fields[f"progress_{pid}"],
                    "problems": self.fields[f"problems_{pid}"],
                    "version": self.fields[f"version_{pid}"] or None,
                    "confirm": None,
                }
            )
        return lines

    @task
    def save_the_grid(self):
        if self.fields is None:
            self._open_grid()
            return
        lines = self._changed_lines()
        body = {"submission_version": self.fields["submission_version"] or None, "rows": lines}
        with self.client.post(
            self.rows_url,
            data=json.dumps(body),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-CSRFToken": self.fields["csrfmiddlewaretoken"],
                "Referer": self.host + self.reporter["grid"],
            },
            name=SAVE,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"保存未成功：{response.status_code}")
                self.fields = None  # read the page again, as a person would after a refusal
            else:
                answer = response.json()
                self.fields["submission_version"] = str(answer["submission_version"])
                for line in lines:
                    pid = line["project"]
                    self.fields[f"amount_{pid}"] = line["amount"]
                    self.fields[f"version_{pid}"] = str(answer["rows"][str(pid)]["version"])
        self._received()
        self.saves += 1
        if self.fields is None or self.saves % GRID_EVERY == 0:
            self._open_grid()


@events.quitting.add_listener
def _never_measured(environment, **kwargs):
    if not _all_in.is_set():
        with open(os.environ["BENCH_SURGE_RESULT"], "w", encoding="utf-8") as out:
            json.dump({"never_started": True, "failed_logins": _lost["logins"]}, out)
