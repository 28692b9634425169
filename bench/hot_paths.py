"""Hot endpoints in one process: milliseconds and queries per request, with Django's test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/psoasquiz .venv/bin/python -m bench.hot_paths
    .venv/bin/python -m bench.hot_paths --profile "study queue"     # cProfile of one endpoint
    .venv/bin/python -m bench.hot_paths --help

Production settings (DEBUG off: bench.load.server_environment). The database is `hot_<name>`
next to the one DATABASE_URL names (a SQLite file in the temp folder without DATABASE_URL). It
is kept between runs: the first run migrates it and adds bench/load_data.py's class (a few
minutes at 200 students); later runs reuse it (--rebuild starts afresh).

Each endpoint is timed request by request, in rounds that take turns so that a burst of load on
the machine hits every endpoint alike; the table gives the median, the query count of one
request, and the floor's median divided by the endpoint's (what its throughput would be as a
share of the floor's if only this process's time counted). CPU ms is this process's own time
(Python), which a busy machine disturbs less than the wall clock; DB CPU ms is the PostgreSQL
backend's, read from /proc when the server runs on this machine (10 ms ticks, so a mean).
Without the network, gunicorn and concurrent users this is a lower bound on the cost under
load (bench/load.py measures that).

Every write is checked: each rating must redirect and add one review row, each autosave must
reply "saved".
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
FLOOR = "floor"
HOST = "127.0.0.1"


def setup_database(students: int, rebuild: bool) -> str:
    from bench.load import server_environment

    source = os.environ.get("DATABASE_URL", "")
    sqlite_file = Path(tempfile.gettempdir()) / "psoasquiz-hot-paths.sqlite3"
    if not source:
        source = f"sqlite:///{sqlite_file}"
    os.environ.update(server_environment(source))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # Pages need the static files' manifest; a folder of our own, not the checkout's.
    settings.STATIC_ROOT = Path(tempfile.gettempdir()) / "psoasquiz-hot-paths-static"
    call_command("collectstatic", interactive=False, verbosity=0)

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(sqlite_file)
    else:
        connection.settings_dict["TEST"]["NAME"] = f"hot_{connection.settings_dict['NAME']}"
    # keepdb: create and migrate when missing, otherwise only apply new migrations; without it
    # the database is dropped and made again.
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=not rebuild
    )
    from bench.load_data import CLASS_NAME
    from quizzes.models import Classroom

    if not Classroom.objects.filter(name=CLASS_NAME).exists():
        from io import StringIO

        from bench.load_data import build_class

        print(f"Filling the database with {students} students (once)...", file=sys.stderr)
        for command in ("load_banks", "load_demo"):
            call_command(command, stdout=StringIO())
        build_class(students=students)
        # Statistics as autovacuum would gather them on a live server: without them PostgreSQL
        # plans today's-use count as a scan of every review row.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            server = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("select version()")
            server = cursor.fetchone()[0].split(" on ")[0]
    name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        parts = urlsplit(source)
        name = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    return f"{server}, {name}"


@dataclass
class Endpoint:
    name: str
    label: str
    request: Callable  # () -> response, checks its own result
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    # The database server's CPU seconds over the timed requests (None: not measurable).
    db_cpu: float | None = 0.0
    queries: int | None = None


def client_for(username: str | None):
    from django.test import Client

    from quizzes.models import User

    client = Client(HTTP_HOST=HOST)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def floor_endpoint() -> Endpoint:
    client = client_for(None)

    def run():
        response = client.get("/healthz")
        assert response.status_code == 200, response.status_code

    return Endpoint(FLOOR, "GET /healthz", run)


def study_endpoint(username: str) -> Endpoint:
    client = client_for(username)

    def run():
        response = client.get("/study/")
        assert response.status_code == 200, response.status_code

    return Endpoint("study queue", "GET /study/", run)


def rating_endpoint(username: str) -> Endpoint:
    """Good ratings of the student's flashcards in turn, as bench/load.lua sends them."""
    from quizzes.models import CardState, ReviewLog

    client = client_for(username)
    cards = [
        list(card)
        for card in CardState.objects.filter(
            student__username=username,
            is_leech=False,
            question__current_version__qtype="flashcard",
            question__archived_at__isnull=True,
        )
        .order_by("question_id")
        .values_list("question_id", "question__current_version_id", "reps")
    ]
    assert cards, f"{username} has no flashcards"
    turn = [0]

    def logged() -> int:
        return ReviewLog.objects.filter(card__student__username=username).count()

    def run():
        card = cards[turn[0] % len(cards)]
        response = client.post(
            "/study/",
            {
                "action": "rate",
                "rating": "3",
                "question_id": card[0],
                "version": card[1],
                "reps": card[2],
            },
        )
        assert response.status_code == 302, response.status_code
        card[2] += 1
        turn[0] += 1

    endpoint = Endpoint("submit review", "POST /study/ (flashcard rating)", run)
    endpoint.logged = logged
    return endpoint


def quiz_endpoints(username: str) -> list[Endpoint]:
    """The question page and autosave of an open attempt at the flow quiz (started if none)."""
    from bench.load_data import FLOW_QUIZ
    from quizzes.models import Answer, Assignment, Attempt, User
    from quizzes.models.attempts import AttemptState
    from quizzes.services.attempts import attempt_start

    student = User.objects.get(username=username)
    assignment = Assignment.objects.get(
        quiz__slug=FLOW_QUIZ, classroom__enrollments__student=student
    )
    attempt = Attempt.objects.filter(student=student, state=AttemptState.IN_PROGRESS).first()
    if attempt is None:
        attempt = attempt_start(student=student, assignment=assignment, seed=2026)
    answer = (
        Answer.objects.filter(
            attempt=attempt, question_version__qtype__in=["single_choice", "true_false"]
        )
        .order_by("position")
        .first()
    )
    client = client_for(username)
    page = f"/attempts/{attempt.pk}/q/{answer.position}/"
    state = {"revision": Attempt.objects.get(pk=attempt.pk).revision, "choice": 1}

    def question_page():
        response = client.get(page)
        assert response.status_code == 200, response.status_code

    def autosave():
        response = client.post(
            f"{page}autosave/", {"revision": state["revision"], "choice": state["choice"]}
        )
        reply = response.json()
        assert reply["status"] == "saved", reply
        state["revision"] = reply["revision"]
        state["choice"] = 3 - state["choice"]

    return [
        Endpoint("quiz question page", "GET /attempts/<id>/q/<n>/", question_page),
        Endpoint("submit answer", "POST /attempts/<id>/q/<n>/autosave/", autosave),
    ]


def server_process() -> int | None:
    """The PostgreSQL backend process serving this connection, when it runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict["HOST"] not in {
        "127.0.0.1",
        "localhost",
        "",
    }:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def process_cpu(pid: int | None) -> float | None:
    """CPU seconds (user + system) a process has used, from /proc (10 ms ticks)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def count_queries(endpoint: Endpoint) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        endpoint.request()
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200, help="class size when building")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--requests", type=int, default=40, help="per endpoint per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per endpoint")
    parser.add_argument("--only", help="endpoint names to run, comma-separated (floor always)")
    parser.add_argument("--profile", metavar="ENDPOINT", help="cProfile this endpoint instead")
    args = parser.parse_args()

    database = setup_database(args.students, args.rebuild)
    from bench.load_data import STUDENT

    endpoints = [
        floor_endpoint(),
        study_endpoint(STUDENT.format(1)),
        rating_endpoint(STUDENT.format(2)),
        *quiz_endpoints(STUDENT.format(3)),
    ]
    if args.only:
        wanted = {FLOOR, *(name.strip() for name in args.only.split(","))}
        endpoints = [e for e in endpoints if e.name in wanted]
    if args.profile:
        (endpoint,) = [e for e in endpoints if e.name == args.profile]
        for _ in range(args.warmup):
            endpoint.request()
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            endpoint.request()
        profile.disable()
        stats = pstats.Stats(profile).strip_dirs().sort_stats("cumulative")
        stats.print_stats(40)
        return

    logged_before = {e.name: e.logged() for e in endpoints if hasattr(e, "logged")}
    requests = {e.name: 0 for e in endpoints}
    for endpoint in endpoints:
        for _ in range(args.warmup):
            endpoint.request()
        endpoint.queries = count_queries(endpoint)
        requests[endpoint.name] += args.warmup + 1
    for _ in range(args.rounds):
        for endpoint in endpoints:
            pid = server_process()
            server_before = process_cpu(pid)
            for _ in range(args.requests):
                start, start_cpu = time.perf_counter(), time.process_time()
                endpoint.request()
                endpoint.times.append(time.perf_counter() - start)
                endpoint.cpu.append(time.process_time() - start_cpu)
            server_after = process_cpu(pid)
            if None in (server_before, server_after, endpoint.db_cpu) or server_process() != pid:
                endpoint.db_cpu = None
            else:
                endpoint.db_cpu += server_after - server_before
            requests[endpoint.name] += args.requests
    for endpoint in endpoints:
        if hasattr(endpoint, "logged"):
            added = endpoint.logged() - logged_before[endpoint.name]
            assert added == requests[endpoint.name], (endpoint.name, added)

    load = os.getloadavg()
    floor_ms = statistics.median(endpoints[0].times) * 1000
    print(f"Database: {database}")
    print(
        f"{args.rounds} rounds x {args.requests} requests per endpoint; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print()
    print(
        "| endpoint | request | median ms | p90 ms | CPU ms (median) | DB CPU ms (mean) "
        "| queries | floor / endpoint |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for endpoint in endpoints:
        times = sorted(endpoint.times)
        median = statistics.median(times) * 1000
        p90 = times[int(len(times) * 0.9)] * 1000
        cpu = statistics.median(endpoint.cpu) * 1000
        db_cpu = (
            "—"
            if endpoint.db_cpu is None
            else f"{endpoint.db_cpu / len(endpoint.times) * 1000:.2f}"
        )
        print(
            f"| {endpoint.name} | {endpoint.label} | {median:.2f} | {p90:.2f} | {cpu:.2f} | "
            f"{db_cpu} | {endpoint.queries} | {floor_ms / median:.2f} |"
        )


if __name__ == "__main__":
    main()
