"""Load benchmark: the production stack (gunicorn, whitenoise, DEBUG off) under concurrent users.

    make bench-load                                                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/psoasquiz make bench-load
    .venv/bin/python -m bench.load --help

Builds a fresh database (a temporary SQLite file, or `bench_<name>` next to the PostgreSQL
database named in DATABASE_URL): migrate, load_banks, load_demo and a class of synthetic
students with cards and attempts (bench/load_data.py); collects the static files; starts
gunicorn on 127.0.0.1 with DEBUG off, a test secret key, and https redirects, HSTS and secure
cookies off (plain http on loopback), and REDIS_URL pointing at the local Redis when it is
reachable (the README's production setup; --no-redis to leave it out). Then:

1. Endpoints, with wrk (bench/load.lua), each user a connection with its own session and CSRF
   token: two floors, the study queue, a flashcard rating, a quiz question page, an autosave,
   and the class report. The floor is GET /healthz with no cookie (the full middleware stack, a
   JSON reply and one SELECT 1); the session floor is GET /healthz/session as a logged-in
   student (the same, plus loading the session and the user: what every hot endpoint pays
   before its own work). Requests per second and p50/p99 latency, each also as a ratio to both
   floors; median of --runs. Every write is checked in the database afterwards (one review row
   per rating, one revision per autosave).
2. The user flow (bench/load_flow.py): --flow-students students at once log in, study a few
   cards and take the mixed quiz (start, answer every question, submit, review). Total time and
   per-step p50/p99; afterwards every attempt is checked: submitted exactly once, every stored
   answer is what the form posted, marks equal the grading core's marks for those answers.
3. Peak memory (VmHWM) of every gunicorn worker after 1 and 2.
4. On PostgreSQL with Redis reachable: two gunicorn instances sharing the database and Redis
   (REDIS_URL=redis://127.0.0.1:6379/<--redis-db>), each simulated browser alternating between
   them request by request, and the same flow and checks; then failed logins spread over both
   must lock the account (limits shared), and a session logged out through one instance must
   be refused by both (sessions shared).

Writes bench/results/load-<sqlite|postgresql>.md unless --output -. Needs wrk
(`sudo apt-get install -y wrk`).
"""

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "load.lua"
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET = "bench-load-only-not-a-real-secret-" + "x" * 30
HOT_TARGET = 0.5
MEMORY_TARGET_MB = 150
WRK_MISSING = (
    "wrk is not installed. On Debian or Ubuntu: sudo apt-get install -y wrk "
    "(bench/load.py drives every endpoint with it)."
)
GUNICORN_MISSING = f"gunicorn not found at {GUNICORN}: .venv/bin/pip install -r requirements.txt"
# Endpoints in the order each run measures them; the last word is wrk's mode (bench/load.lua).
ENDPOINTS = [
    ("floor", "GET /healthz (no session)", "get"),
    ("session floor", "GET /healthz/session (logged in)", "get"),
    ("study queue", "GET /study/", "get"),
    ("quiz question page", "GET /attempts/<id>/q/<n>/", "get"),
    ("class report", "GET /classes/<id>/reports/", "get"),
    ("submit review", "POST /study/ (flashcard rating)", "rate"),
    ("submit answer", "POST /attempts/<id>/q/<n>/autosave/", "autosave"),
]
HOT = {"study queue", "quiz question page", "submit review", "submit answer"}
# Every endpoint's figures are also given as ratios to both floors: the plain JSON view with no
# session, and the same with a logged-in student's session and user loaded (as every hot
# endpoint is a logged-in request).
FLOORS = {"floor": "", "session floor": "s_"}


def server_environment(database_url: str, redis_url: str | None = None) -> dict:
    """What the app servers (and this process) read: production settings on plain http."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="psoasquiz.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


# --- database -------------------------------------------------------------------------------


@dataclass
class Database:
    description: str
    vendor: str
    url: str  # what the app servers connect to
    drop: callable


def make_database(redis_url: str | None = None) -> Database:
    folder = None
    source = os.environ.get("DATABASE_URL", "")
    if not source:
        folder = tempfile.mkdtemp(prefix="psoasquiz-load-")
        source = f"sqlite:///{folder}/load.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.update(server_environment(source, redis_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)

        def drop():
            connection.close()
            shutil.rmtree(folder)

        description = f"SQLite {connection.Database.sqlite_version} (new file, WAL)"
        return Database(description, "sqlite", source, drop)
    old_name = connection.settings_dict["NAME"]
    # Not test_<name>: pytest may be using that one at the same time.
    connection.settings_dict["TEST"]["NAME"] = f"bench_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    name = connection.settings_dict["NAME"]
    parts = urlsplit(source)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    def drop():
        connection.creation.destroy_test_db(old_name, verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute("select version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    description = f"{server} (new database {name}, CONN_MAX_AGE={max_age})"
    return Database(description, "postgresql", url, drop)


def fill_database(students: int):
    from django.core.management import call_command

    from bench.load_data import build_class

    for command in ("load_banks", "load_demo"):
        call_command(command, stdout=StringIO())
    scenario = build_class(students=students)
    call_command("collectstatic", interactive=False, verbosity=0)
    return scenario


# --- app servers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    worker_class: str
    workers: int
    threads: int = 1

    @classmethod
    def parse(cls, text: str) -> "Config":
        """`sync:3` or `gthread:2x4` (workers x threads)."""
        kind, _, size = text.partition(":")
        if kind not in ("sync", "gthread"):
            raise argparse.ArgumentTypeError(f"unknown worker class in {text!r}")
        workers, _, threads = size.partition("x")
        return cls(kind, int(workers), int(threads or 1))

    def __str__(self) -> str:
        return f"{self.worker_class} {self.workers}" + (
            f"x{self.threads}" if self.worker_class == "gthread" else ""
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, config: Config, env: dict, log: Path):
        self.config = config
        self.port = free_port()
        self.log = log
        command = [
            str(GUNICORN),
            "psoasquiz.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(config.workers),
            "--worker-class",
            config.worker_class,
            "--threads",
            str(config.threads),
            "--timeout",
            "120",
            "--error-logfile",
            str(log),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as reply:
                    if reply.status == 200 and len(self.workers()) == config.workers:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"gunicorn did not start; see {log}")
            time.sleep(0.3)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def peak_rss_mb(self) -> list[float]:
        peaks = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return peaks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- users for wrk --------------------------------------------------------------------------


def browser_for(server: Server, username: str, password: str):
    from bench.load_flow import Browser, Servers

    browser = Browser(Servers([("127.0.0.1", server.port)]), {}, threading.Lock())
    browser.log_in(username, password)
    browser.username = username
    return browser


def csrf_from(html: str) -> str:
    from bench.load_flow import forms

    for form in forms(html):
        for name, value in form.hidden():
            if name == "csrfmiddlewaretoken":
                return value
    raise SystemExit("no CSRF token on the page")


def cookie_header(browser) -> str:
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())


class Users:
    """Logged-in users for each endpoint, one per wrk connection, disjoint between endpoints
    that write and those that read, so a read always sees the same kind of page."""

    def __init__(self, server: Server, scenario, connections: int, folder: Path):
        from django.urls import NoReverseMatch, reverse

        from bench.load_data import BENCH_PASSWORD, INSTRUCTOR
        from quizzes.models import Answer

        self.folder = folder
        students = [s.username for s in scenario.students]
        self.readers = [browser_for(server, u, BENCH_PASSWORD) for u in students[:connections]]
        raters = students[connections : 2 * connections]
        self.raters = [browser_for(server, u, BENCH_PASSWORD) for u in raters]
        quizzers = students[2 * connections : 3 * connections]
        self.quizzers = []
        for username in quizzers:
            browser = browser_for(server, username, BENCH_PASSWORD)
            page = browser.get("setup", f"/assignments/{scenario.flow_assignment.pk}/")
            location = browser.post(
                "setup",
                f"/assignments/{scenario.flow_assignment.pk}/start/",
                [("csrfmiddlewaretoken", csrf_from(page))],
            )
            attempt_id = int(location.split("/attempts/")[1].split("/")[0])
            # A choice question, so that an autosave can alternate between two options.
            answer = (
                Answer.objects.filter(
                    attempt_id=attempt_id,
                    question_version__qtype__in=["single_choice", "true_false"],
                )
                .order_by("position")
                .first()
            )
            self.quizzers.append((browser, attempt_id, answer.position))
        self.instructors = [
            browser_for(server, INSTRUCTOR, BENCH_PASSWORD) for _ in range(connections)
        ]
        classroom = scenario.classroom.pk
        try:
            self.report_path = reverse("report_class", args=[classroom])
            self.report_name = "class report (report_class)"
        except NoReverseMatch:
            self.report_path = reverse("class_detail", args=[classroom])
            self.report_name = "class page (class_detail)"
        self.tokens = {}
        for browser in self.readers + self.raters + [b for b, _, _ in self.quizzers]:
            self.tokens[id(browser)] = csrf_from(browser.get("setup", "/study/"))

    def write(self, endpoint: str) -> Path:
        """The users file for one endpoint, with review counts and revisions as they are now."""
        from quizzes.models import Attempt, CardState

        lines = []
        if endpoint == "floor":
            lines = ["/healthz\tno=cookie"] * len(self.readers)
        elif endpoint == "session floor":
            lines = [f"/healthz/session\t{cookie_header(b)}" for b in self.readers]
        elif endpoint == "study queue":
            lines = [f"/study/\t{cookie_header(b)}" for b in self.readers]
        elif endpoint == "quiz question page":
            lines = [f"/attempts/{a}/q/{p}/\t{cookie_header(b)}" for b, a, p in self.quizzers]
        elif endpoint == "class report":
            lines = [f"{self.report_path}\t{cookie_header(b)}" for b in self.instructors]
        elif endpoint == "submit review":
            for browser in self.raters:
                cards = CardState.objects.filter(
                    student__username=browser.username,
                    question__current_version__qtype="flashcard",
                ).values_list("question_id", "question__current_version_id", "reps")
                listed = ",".join(f"{q}:{v}:{r}" for q, v, r in cards.order_by("question_id"))
                token = self.tokens[id(browser)]
                lines.append(f"/study/\t{cookie_header(browser)}\t{token}\t{listed}")
        elif endpoint == "submit answer":
            for browser, attempt_id, position in self.quizzers:
                revision = Attempt.objects.get(pk=attempt_id).revision
                token = self.tokens[id(browser)]
                lines.append(
                    f"/attempts/{attempt_id}/q/{position}/autosave/\t{cookie_header(browser)}"
                    f"\t{token}\t{revision}\tchoice"
                )
        path = self.folder / f"{endpoint.replace(' ', '-')}.tsv"
        path.write_text("\n".join(lines) + "\n")
        return path

    def writes_done(self, endpoint: str) -> int | None:
        """Rows or revisions the endpoint's writes have made so far (None for reads)."""
        from django.db.models import Sum

        from quizzes.models import Attempt, ReviewLog

        if endpoint == "submit review":
            names = [b.username for b in self.raters]
            return ReviewLog.objects.filter(card__student__username__in=names).count()
        if endpoint == "submit answer":
            ids = [a for _, a, _ in self.quizzers]
            return Attempt.objects.filter(pk__in=ids).aggregate(n=Sum("revision"))["n"]
        return None


def drain(server: Server, timeout: float = 120) -> None:
    """Wait until every worker is idle: when wrk stops, requests it gave up on may still be
    queued or running (a slow page can hold the workers for seconds) and would slow down the
    next endpoint's measurement. Idle means one quick /healthz per worker, all at once."""
    deadline = time.monotonic() + timeout
    quick = 0.25

    def probe(times: list) -> None:
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=timeout) as reply:
                reply.read()
        except OSError:
            times.append(timeout)
            return
        times.append(time.perf_counter() - start)

    while time.monotonic() < deadline:
        times: list[float] = []
        probes = [
            threading.Thread(target=probe, args=(times,))
            for _ in range(server.config.workers * server.config.threads)
        ]
        for thread in probes:
            thread.start()
        for thread in probes:
            thread.join()
        if max(times) < quick:
            return
        time.sleep(0.5)


def run_wrk(url: str, users: Path, mode: str, seconds: float, connections: int) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [
        "wrk",
        f"-t{connections}",
        f"-c{connections}",
        f"-d{round(seconds)}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        url,
        "--",
        str(users),
        mode,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(x for x in out.splitlines() if x.startswith("{"))
    result = json.loads(line)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["client_cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


def measure_endpoints(server: Server, users: Users, args, log) -> tuple[list[dict], list]:
    """--runs rounds over every endpoint; each figure is the median over the rounds."""
    # Warm-up: imports, template caches, persistent connections, PostgreSQL's plans.
    for name, _, mode in ENDPOINTS:
        run_wrk(server.url, users.write(name), mode, 2, args.connections)
        drain(server)
    rounds = []
    for n in range(args.runs):
        load = os.getloadavg()[0]
        measured = {}
        for name, _, mode in ENDPOINTS:
            before = users.writes_done(name)
            result = run_wrk(server.url, users.write(name), mode, args.seconds, args.connections)
            drain(server)
            after = users.writes_done(name)
            result["writes"] = None if before is None else after - before
            measured[name] = result
            log(
                f"  run {n + 1} {name}: {result['rps']:.0f} req/s, p50 "
                f"{result['p50_us'] / 1000:.1f} ms, p99 {result['p99_us'] / 1000:.1f} ms, "
                f"failed {result['failed'] + result['socket_errors']}"
                + (f", writes {result['writes']}" if result["writes"] is not None else "")
            )
        rounds.append((load, measured))
    rows = []
    for name, what, _ in ENDPOINTS:
        results = [m[name] for _, m in rounds]
        row = {
            "endpoint": name if name != "class report" else users.report_name,
            "key": name,
            "what": what if name != "class report" else f"GET {users.report_path}",
            "rps": statistics.median(r["rps"] for r in results),
            "p50": statistics.median(r["p50_us"] for r in results) / 1000,
            "p99": statistics.median(r["p99_us"] for r in results) / 1000,
            "requests": sum(r["requests"] for r in results),
            "failed": sum(r["failed"] + r["socket_errors"] for r in results),
            "first_failure": next((r["first_failure"] for r in results if r["first_failure"]), ""),
            "client_cpu": statistics.median(
                r["client_cpu_s"] / (r["duration_us"] / 1e6) for r in results
            ),
        }
        writes = [r["writes"] for r in results]
        if writes[0] is not None:
            # A request wrk gave up on at the end of a run may still have been written.
            ok = [r["requests"] - r["failed"] for r in results]
            row["writes"] = sum(writes)
            row["writes_ok"] = all(
                o <= w <= o + args.connections for o, w in zip(ok, writes, strict=True)
            )
        rows.append(row)
    for key, prefix in FLOORS.items():
        floor = next(r for r in rows if r["key"] == key)
        for row in rows:
            row[f"{prefix}x_rps"] = row["rps"] / floor["rps"]
            row[f"{prefix}x_p50"] = row["p50"] / floor["p50"]
            row[f"{prefix}x_p99"] = row["p99"] / floor["p99"]
    return rows, [load for load, _ in rounds]


# --- the user flow --------------------------------------------------------------------------


def attempt_counts(usernames: list[str], assignment_id: int) -> dict[str, int]:
    from django.db.models import Count, Q

    from quizzes.models import User

    return dict(
        User.objects.filter(username__in=usernames)
        .annotate(n=Count("attempts", filter=Q(attempts__assignment_id=assignment_id)))
        .values_list("username", "n")
    )


def check_flows(results, before: dict[str, int], assignment_id: int) -> list[str]:
    """Every problem found in the database after the flows; empty when all is consistent."""
    from django.http import QueryDict

    from quizzes import presentation
    from quizzes.grading import grade
    from quizzes.models import Attempt
    from quizzes.models.attempts import AttemptState

    problems = []
    after = attempt_counts([r.username for r in results], assignment_id)
    for r in results:
        if r.error:
            problems.append(f"{r.username}: {r.error}")
            continue
        if after[r.username] - before[r.username] != 1:
            problems.append(f"{r.username}: {after[r.username] - before[r.username]} new attempts")
        attempt = Attempt.objects.select_related("student").get(pk=r.attempt_id)
        if attempt.student.username != r.username or attempt.state != AttemptState.SUBMITTED:
            problems.append(f"{r.username}: attempt {attempt.pk} is {attempt.state}")
            continue
        expected = 0
        answers = attempt.answers.select_related("question_version").order_by("position")
        for answer in answers:
            posted = QueryDict(mutable=True)
            for name, value in r.posted.get(answer.position, []):
                posted.appendlist(name, value)
            version = answer.question_version
            response = presentation.response_from_form(version, answer.option_order, posted)
            if answer.response != response:
                problems.append(
                    f"{r.username}: answer {answer.position} stored {answer.response}, "
                    f"posted {response}"
                )
            if response is not None:
                mark = grade(presentation.to_grading_question(version), response).fraction
                expected += answer.points * mark
        if abs(attempt.marks - expected) > 1e-6:
            problems.append(f"{r.username}: marks {attempt.marks}, answers give {expected}")
    return problems


def shared_login_limits(servers: list[Server]) -> str:
    """Failed logins spread over both instances must add up: the limits live in the cache, so
    the cache must be shared (Redis). A per-process cache would never reach the threshold."""
    from bench.load_data import BENCH_PASSWORD
    from bench.load_flow import Browser, Servers
    from quizzes.models import User
    from quizzes.services.login_limits import LOCKED_OUT, PAIR_LIMIT

    username = f"bench-lockout-{os.getpid()}-{time.monotonic_ns()}"
    User.objects.create_user(username=username, password=BENCH_PASSWORD)
    browser = Browser(Servers([("127.0.0.1", s.port) for s in servers]), {}, threading.Lock())
    token = csrf_from(browser.get("limits", "/accounts/login/"))
    wrong = [("csrfmiddlewaretoken", token), ("username", username), ("password", "wrong-one")]
    # Each request goes to the other instance than the one before; the last failure locks.
    statuses = [browser.request("limits", "POST", "/accounts/login/", wrong)[0]]
    for _ in range(PAIR_LIMIT - 1):
        statuses.append(browser.request("limits", "POST", "/accounts/login/", wrong)[0])
    right = [("csrfmiddlewaretoken", token), ("username", username), ("password", BENCH_PASSWORD)]
    status, _, text = browser.request("limits", "POST", "/accounts/login/", right)
    served = sorted(set(browser.instances))
    locked = status == 429 and LOCKED_OUT.split(".")[0] in text
    if locked and statuses == [200] * (PAIR_LIMIT - 1) + [429]:
        return (
            f"shared: {PAIR_LIMIT} failed logins spread over instances {served} locked the "
            "account, and the right password was then refused on the other instance"
        )
    return f"NOT shared: failed logins answered {statuses}, then the right password {status}"


def shared_logout(servers: list[Server]) -> str:
    """A session must be one session on every instance: logged in through one, it works on the
    others, and logged out through one, its cookie is refused by all of them (as it would not
    be if an instance kept sessions in a cache of its own)."""
    from bench.load_data import BENCH_PASSWORD
    from bench.load_flow import Browser, FlowError, Servers
    from quizzes.models import User

    username = f"bench-logout-{os.getpid()}-{time.monotonic_ns()}"
    User.objects.create_user(username=username, password=BENCH_PASSWORD)
    browser = Browser(Servers([("127.0.0.1", s.port) for s in servers]), {}, threading.Lock())
    try:
        browser.log_in(username, BENCH_PASSWORD)
        before = [browser.request("sessions", "GET", "/healthz/session")[0] for _ in servers]
        cookies = dict(browser.cookies)
        token = csrf_from(browser.get("sessions", "/study/"))
        browser.post("sessions", "/accounts/logout/", [("csrfmiddlewaretoken", token)])
    except FlowError as error:
        return f"NOT checked: {error}"
    browser.cookies = cookies  # the cookie from before, replayed on every instance
    after = [browser.request("sessions", "GET", "/healthz/session")[0] for _ in servers]
    if before == [200] * len(servers) and after == [401] * len(servers):
        return (
            f"shared: logged in through one instance, the session answered 200 on each of "
            f"{len(servers)}; logged out through another, its cookie got 401 on each"
        )
    return f"NOT shared: logged in {before}, after logging out {after}"


def run_flow(servers: list[Server], scenario, args, log) -> dict:
    from bench.load_data import BENCH_PASSWORD
    from bench.load_flow import run_flows

    # The last students: the endpoint benchmark's users are the first ones.
    usernames = [s.username for s in scenario.students[-args.flow_students :]]
    assignment = scenario.flow_assignment.pk
    before = attempt_counts(usernames, assignment)
    load = os.getloadavg()[0]
    addresses = [("127.0.0.1", s.port) for s in servers]
    results, timings, seconds, served = run_flows(
        addresses, usernames, BENCH_PASSWORD, assignment, study_cards=args.study_cards
    )
    problems = check_flows(results, before, assignment)
    crossed = sum(1 for r in results if len(set(r.instances)) == len(servers) and not r.error)
    steps = []
    for step, values in timings.items():
        values = sorted(values)
        steps.append(
            {
                "step": step,
                "n": len(values),
                "p50": statistics.median(values) * 1000,
                "p99": values[min(len(values) - 1, int(len(values) * 0.99))] * 1000,
            }
        )
    log(
        f"  flow: {len(results)} students in {seconds:.1f} s, {len(problems)} problems, "
        f"served {served.served}"
    )
    for problem in problems[:10]:
        log(f"    {problem}")
    return {
        "students": len(results),
        "seconds": seconds,
        "problems": problems,
        "steps": steps,
        "requests": sum(len(v) for v in timings.values()),
        "served": served.served,
        "crossed": crossed,
        "load": load,
        "attempts": sum(1 for r in results if r.attempt_id and not r.error),
        "questions": sum(len(r.posted) for r in results),
    }


# --- report ---------------------------------------------------------------------------------


def endpoint_table(rows: list[dict]) -> str:
    """Each figure, then its ratio to the floor (×F) and to the session floor (×S)."""
    lines = [
        "| endpoint | request | req/s | ×F | ×S | p50 ms | ×F | ×S | p99 ms | ×F | ×S "
        "| requests | failed | writes in DB | wrk CPU (cores) |",
        "| --- | --- |" + " ---: |" * 11 + " --- | ---: |",
    ]
    for r in rows:
        writes = "—"
        if "writes" in r:
            writes = f"{r['writes']:,} ({'match' if r['writes_ok'] else 'MISMATCH'})"
        figures = "".join(
            f" {r[what]:.{1 if what != 'rps' else 0}f} | {r['x_' + what]:.2f} "
            f"| {r['s_x_' + what]:.2f} |"
            for what in ("rps", "p50", "p99")
        )
        lines.append(
            f"| {r['endpoint']} | {r['what']} |{figures}"
            f" {r['requests']:,} | {r['failed']} | {writes} | {r['client_cpu']:.2f} |"
        )
    return "\n".join(lines)


def target_line(rows: list[dict]) -> str:
    """Whether the hot endpoints reach HOT_TARGET of each floor's throughput, said plainly."""
    hot = [r for r in rows if r["key"] in HOT]
    said = []
    for key, prefix in FLOORS.items():
        floor = next(r for r in rows if r["key"] == key)
        short = [r for r in hot if r[f"{prefix}x_rps"] < HOT_TARGET]
        said.append(
            f"Hot endpoints at ≥ {HOT_TARGET}× the {key}'s throughput ({floor['what']}, "
            f"{floor['rps']:.0f} req/s): "
            + ("**met**" if not short else "**not met**")
            + (
                ""
                if not short
                else " ("
                + ", ".join(f"{r['endpoint']} {r[f'{prefix}x_rps']:.2f}×" for r in short)
                + ")"
            )
            + "."
        )
    return " ".join(said)


def flow_table(flow: dict) -> str:
    lines = ["| step | requests | p50 ms | p99 ms |", "| --- | ---: | ---: | ---: |"]
    for s in flow["steps"]:
        lines.append(f"| {s['step']} | {s['n']:,} | {s['p50']:.0f} | {s['p99']:.0f} |")
    return "\n".join(lines)


def flow_summary(flow: dict) -> str:
    return (
        f"{flow['students']} students at once, {flow['requests']:,} requests "
        f"({flow['questions']} questions answered, {flow['attempts']} attempts submitted) in "
        f"**{flow['seconds']:.1f} s**; requests per server {flow['served']}; load average "
        f"{flow['load']:.1f} at the start. Problems found in the database afterwards: "
        f"**{len(flow['problems'])}**"
        + ("" if not flow["problems"] else " (" + "; ".join(flow["problems"][:5]) + ")")
        + "."
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200, help="synthetic class size")
    parser.add_argument(
        "--configs",
        default="sync:3",
        help="gunicorn configs to measure, comma-separated: sync:<workers> or "
        "gthread:<workers>x<threads>; the first also runs the flow and the memory check",
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (users)")
    parser.add_argument("--seconds", type=float, default=10, help="per endpoint per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--flow-students", type=int, default=100)
    parser.add_argument("--study-cards", type=int, default=3)
    parser.add_argument("--no-flow", action="store_true")
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="run the endpoint and flow servers without REDIS_URL (per-process memory cache, "
        "sessions read from the database), as a deployment without Redis; by default they "
        "use Redis when it is reachable, as the README's production setup does",
    )
    parser.add_argument(
        "--scale-without-redis",
        action="store_true",
        help="run the two instances without REDIS_URL, to see the shared-limits check fail",
    )
    parser.add_argument(
        "--keep-database", action="store_true", help="leave the database for a closer look"
    )
    parser.add_argument("--output", default=None, help="'-' to write no file")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit(WRK_MISSING)
    if not GUNICORN.exists():
        raise SystemExit(GUNICORN_MISSING)
    configs = [Config.parse(c) for c in args.configs.split(",")]
    if args.students < 3 * args.connections + args.flow_students:
        raise SystemExit("--students must cover 3 x --connections plus --flow-students")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.monotonic()
    # Static files of its own (read by every server through the environment): a collectstatic
    # run elsewhere in this checkout must not change the manifest under the servers.
    static_root = tempfile.mkdtemp(prefix="psoasquiz-load-static-")
    os.environ["DJANGO_STATIC_ROOT"] = static_root
    database = make_database()
    folder = Path(tempfile.mkdtemp(prefix="psoasquiz-load-users-"))
    servers: list[Server] = []
    sections = []
    try:
        log(f"Database: {database.description}; building the class of {args.students}")
        scenario = fill_database(args.students)
        redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
        cache = None if args.no_redis or not redis_reachable() else redis_url
        env = server_environment(database.url, cache)
        memory = None
        flow = None
        by_config = []
        for n, config in enumerate(configs):
            log(f"gunicorn {config}")
            server = Server(config, env, folder / f"gunicorn-{n}.log")
            servers.append(server)
            users = Users(server, scenario, args.connections, folder)
            rows, loads = measure_endpoints(server, users, args, log)
            by_config.append((config, rows, loads))
            if n == 0 and not args.no_flow:
                flow = run_flow([server], scenario, args, log)
                memory = (config, server.peak_rss_mb())
            elif n == 0:
                memory = (config, server.peak_rss_mb())
            server.stop()
            servers.remove(server)
        scale = None
        if database.vendor == "postgresql" and not args.no_flow and redis_reachable():
            if args.scale_without_redis:
                redis_url = "none (per-process memory caches)"
            env2 = server_environment(database.url, None if args.scale_without_redis else redis_url)
            log(f"scale-out: two gunicorn {configs[0]} sharing the database and {redis_url}")
            for k in range(2):
                servers.append(Server(configs[0], env2, folder / f"scale-{k}.log"))
            scale = run_flow(servers, scenario, args, log)
            scale["limits"] = shared_login_limits(servers)
            log(f"  login limits across instances: {scale['limits']}")
            if not scale["limits"].startswith("shared"):
                scale["problems"].append(scale["limits"])
            scale["sessions"] = shared_logout(servers)
            log(f"  sessions across instances: {scale['sessions']}")
            if not scale["sessions"].startswith("shared"):
                scale["problems"].append(scale["sessions"])
            scale["memory"] = [s.peak_rss_mb() for s in servers]
            scale["redis"] = redis_url
            for server in list(servers):
                server.stop()
                servers.remove(server)
    finally:
        for server in servers:
            server.stop()
        if args.keep_database:
            log(f"kept the database: DATABASE_URL={database.url}; users and logs in {folder}")
        else:
            database.drop()
            shutil.rmtree(folder)
        shutil.rmtree(static_root)
    elapsed = time.monotonic() - started

    sections.append(
        f"Database: {database.description}. Class of {args.students} synthetic students "
        f"({scenario.cards:,} cards, {scenario.reviews:,} logged reviews, {scenario.attempts} "
        f"submitted attempts) beside the demo class. {os.cpu_count()} CPUs; wrk with "
        f"{args.connections} connections (one logged-in user each), {args.seconds:g} s per "
        f"endpoint per run, median of {args.runs} runs after a 2 s warm-up. App servers' cache: "
        + (
            f"Redis ({cache}), so sessions are cached there (cached_db)"
            if cache
            else "per-process memory, so sessions are read from the database"
        )
        + ". Whole benchmark "
        f"{elapsed / 60:.1f} min."
    )
    for config, rows, loads in by_config:
        sections.append(
            f"### gunicorn {config}\n\nLoad average (1 min) at the start of each run: "
            + ", ".join(f"{x:.1f}" for x in loads)
            + ".\n\n"
            + endpoint_table(rows)
            + "\n\n"
            + target_line(rows)
            + " Failed requests: "
            + f"**{sum(r['failed'] for r in rows)}**."
            + "".join(
                f"\nFirst failure ({r['endpoint']}): `{r['first_failure']}`"
                for r in rows
                if r["first_failure"]
            )
        )
    if flow:
        sections.append(
            f"### User flow (gunicorn {configs[0]})\n\n"
            + flow_summary(flow)
            + "\n\n"
            + flow_table(flow)
        )
    if memory:
        config, peaks = memory
        sections.append(
            f"### Peak memory per worker (gunicorn {config}, VmHWM after the runs"
            + (" and the flow" if flow else "")
            + ")\n\n"
            + ", ".join(f"{p:.0f} MB" for p in sorted(peaks))
            + f" (target ≤ {MEMORY_TARGET_MB} MB: "
            + ("met" if max(peaks) <= MEMORY_TARGET_MB else "NOT met")
            + ")."
        )
    if scale:
        sections.append(
            f"### Scale-out: two gunicorn {configs[0]} instances, one PostgreSQL, Redis "
            f"({scale['redis']})\n\nEach simulated browser alternates between the two "
            "instances request by request (it logs in on one and carries on on the other). "
            + flow_summary(scale)
            + f" Students whose requests reached both instances: {scale['crossed']} of "
            f"{scale['students']}. Login limits (kept in the cache): "
            f"{scale['limits']}. Sessions (in the database, cached in Redis when it is there): "
            f"{scale['sessions']}. Peak worker memory: "
            + "; ".join(", ".join(f"{p:.0f}" for p in m) + " MB" for m in scale["memory"])
            + ".\n\n"
            + flow_table(scale)
        )
    body = "\n\n".join(sections)
    print(body)
    output = args.output or str(RESULTS / f"load-{database.vendor}.md")
    if output != "-":
        Path(output).write_text(
            f"# Load benchmark ({database.vendor})\n\n`make bench-load` (bench/load.py)"
            + (
                " with DATABASE_URL set to a PostgreSQL database"
                if database.vendor == "postgresql"
                else ""
            )
            + f", BENCH_ARGS: `{' '.join(argv)}`\n\n"
            + body
            + "\n"
        )
    failed = any(r["failed"] for _, rows, _ in by_config for r in rows)
    return 1 if failed or (flow and flow["problems"]) or (scale and scale["problems"]) else 0


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
