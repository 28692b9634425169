"""What every request pays: the middleware stack, the session and the user, the page shell.

    .venv/bin/python -m bench.request_stack                      # SQLite, local-memory cache
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/psoasquiz python -m bench.request_stack
    REDIS_URL=redis://127.0.0.1:6379/9 DATABASE_URL=... python -m bench.request_stack
    .venv/bin/python -m bench.request_stack --profile 25         # and cProfile's top functions

In one process, without a web server: Django's WSGI handler is called with a ready-made environ,
as gunicorn would call it, with the settings bench/load.py gives its servers (DEBUG off,
plain http). The database is new (bench/load.py's make_database); one student is logged in.
Requests measured, each --requests times after a warm-up:

- GET /healthz with no cookie: the middleware stack, one SELECT 1, a JSON reply;
- GET /healthz/session logged in: the same plus the session and the user;
- GET /bench/page logged in: a page extending base.html with an empty content block, so the
  context processors, the navigation, the CSRF token of the logout form and the messages.

For each, per request: CPU microseconds of this process and of the servers it talks to (the
PostgreSQL backend of its connection, Redis when REDIS_URL is set), the fastest of --runs
rounds since the machine may be shared; and the SQL queries. Prints Markdown tables;
nothing is written to bench/results.
"""

import argparse
import cProfile
import functools
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

from django.urls import include, path

ROOT = Path(__file__).resolve().parent.parent
PAGE = '{% extends "base.html" %}{% block content %}<p>Nothing here.</p>{% endblock %}'


@functools.cache
def page_template():
    from django.template import engines

    return engines["django"].from_string(PAGE)


def bench_page(request):
    from django.http import HttpResponse

    return HttpResponse(page_template().render({}, request))


def __getattr__(name: str):
    # This module is also the URLconf while it runs: the project's URLs and the page above
    # (read once Django is set up).
    if name == "urlpatterns":
        return [path("bench/page", bench_page), path("", include("psoasquiz.urls"))]
    raise AttributeError(name)


def environ(path_info: str, cookie: str) -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_USER_AGENT": "bench/request_stack",
        "HTTP_ACCEPT": "*/*",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


class Client:
    def __init__(self, application):
        self.application = application

    def get(self, path_info: str, cookie: str = "") -> tuple[str, bytes, list]:
        reply = []

        def start_response(line, headers, exc_info=None):
            reply.append((line, headers))

        body = b"".join(self.application(environ(path_info, cookie), start_response))
        return reply[0][0], body, reply[0][1]


def cpu_ns(pid: int) -> int:
    """Nanoseconds another process on this machine has run on a CPU (Linux schedstat)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def server_pids(redis_url: str | None) -> list[int]:
    """The PostgreSQL backend serving this process's connection, and the Redis server: their
    CPU is part of each request's cost on a machine that runs them (as bench/load.py does)."""
    from django.db import connection

    pids = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
    if redis_url:
        import redis

        pids.append(int(redis.Redis.from_url(redis_url).info("server")["process_id"]))
    return [pid for pid in pids if Path(f"/proc/{pid}/schedstat").exists()]


def per_request(
    client: Client, path_info: str, cookie: str, requests: int, servers: list[int] = ()
) -> tuple[float, float]:
    """CPU microseconds per request, over `requests` requests in a row: this process's, and the
    database and cache servers' (PostgreSQL's backend for this connection, Redis).

    CPU time rather than wall time: the machine is shared, and time spent waiting for another
    process to be scheduled is not this request's cost.
    """
    started = time.process_time()
    before = sum(cpu_ns(pid) for pid in servers)
    for _ in range(requests):
        client.get(path_info, cookie)
    app = (time.process_time() - started) / requests * 1e6
    return app, (sum(cpu_ns(pid) for pid in servers) - before) / requests / 1e3


def ablation(args, cookie: str, full: float) -> None:
    """GET /healthz/session (logged in) with each middleware left out in turn: what each one
    costs. The session and authentication middleware are what the request is about, so they
    stay; their cost is the difference between the two floors above."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.test import override_settings

    kept = (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    )
    print(f"\n### Middleware, one left out at a time (GET /healthz/session: {full:.0f} µs)\n")
    print("| left out | CPU µs per request | saves µs |")
    print("| --- | ---: | ---: |")
    for left_out in settings.MIDDLEWARE:
        if left_out in kept:
            continue
        with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != left_out]):
            client = Client(get_wsgi_application())
            per_request(client, "/healthz/session", cookie, 200)
            micros = min(
                per_request(client, "/healthz/session", cookie, args.requests)[0]
                for _ in range(args.runs)
            )
        print(f"| {left_out.rsplit('.', 1)[-1]} | {micros:.0f} | {full - micros:.0f} |")
    with override_settings(MIDDLEWARE=list(kept)):
        client = Client(get_wsgi_application())
        per_request(client, "/healthz/session", cookie, 200)
        micros = min(
            per_request(client, "/healthz/session", cookie, args.requests)[0]
            for _ in range(args.runs)
        )
    print(f"| all but sessions and authentication | {micros:.0f} | {full - micros:.0f} |")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="per request kind per run")
    parser.add_argument("--runs", type=int, default=7, help="the fastest run counts")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="also print cProfile's top N"
    )
    parser.add_argument(
        "--ablation", action="store_true", help="also time each middleware by leaving it out"
    )
    args = parser.parse_args(argv)

    from bench import load

    redis_url = os.environ.get("REDIS_URL")
    static_root = tempfile.mkdtemp(prefix="psoasquiz-stack-static-")
    os.environ["DJANGO_STATIC_ROOT"] = static_root
    database = load.make_database(redis_url)
    try:
        return measure(args, database, redis_url)
    finally:
        database.drop()
        shutil.rmtree(static_root)


def measure(args, database, redis_url) -> int:
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test import Client as DjangoClient

    from quizzes.models import User
    from quizzes.models.accounts import Role

    settings.ROOT_URLCONF = "bench.request_stack"
    cache.clear()
    call_command("collectstatic", interactive=False, verbosity=0)
    user = User.objects.create(username="stack-student", role=Role.STUDENT, display_name="S")
    logged_in = DjangoClient()
    logged_in.force_login(user)
    jar = {k: v.value for k, v in logged_in.cookies.items()}
    client = Client(get_wsgi_application())
    # A browser that has been here before: its session cookie and the CSRF cookie a page set.
    for _, _, headers in [client.get("/bench/page", cookie_header(jar))]:
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.strip().partition("=")
                jar[key] = rest.split(";")[0]
    cookie = cookie_header(jar)
    cases = [
        ("GET /healthz (no session)", "/healthz", ""),
        ("GET /healthz/session (logged in)", "/healthz/session", cookie),
        ("GET /bench/page (logged in, base.html)", "/bench/page", cookie),
    ]
    for _, path_info, with_cookie in cases:
        for _ in range(200):
            status, body, headers = client.get(path_info, with_cookie)
        if not status.startswith("200"):
            raise SystemExit(f"{path_info}: {status} {body[:200]!r}")
        if with_cookie and any("sessionid=" in value for _, value in headers):
            raise SystemExit(f"{path_info} writes the session on every request: {headers}")

    queries = {}
    for name, path_info, with_cookie in cases:
        seen = []

        def count(execute, sql, params, many, context, seen=seen):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(path_info, with_cookie)
        queries[name] = seen

    servers = server_pids(redis_url)
    timings = {name: [] for name, _, _ in cases}
    for _ in range(args.runs):
        for name, path_info, with_cookie in cases:
            timings[name].append(
                per_request(client, path_info, with_cookie, args.requests, servers)
            )

    print(
        f"Database: {database.description}; cache: "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
        f"{' at ' + redis_url if redis_url else ''}; session engine: {settings.SESSION_ENGINE}; "
        f"{args.requests} requests x {args.runs} runs; load average {os.getloadavg()[0]:.1f}.\n"
    )
    print(
        "| request | app CPU µs | database + cache server CPU µs | total CPU µs "
        "| req/s per core | SQL queries |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, _, _ in cases:
        app, server = min(timings[name], key=sum)
        shown = "; ".join(q.split(" FROM ")[-1].split(" WHERE ")[0][:40] for q in queries[name])
        print(
            f"| {name} | {app:.0f} | {server:.0f} | {app + server:.0f} "
            f"| {1e6 / (app + server):.0f} | {len(queries[name])}: {shown} |"
        )

    if args.ablation:
        ablation(args, cookie, min(timings[cases[1][0]], key=sum)[0])

    if args.profile:
        for name, path_info, with_cookie in cases[1:]:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                client.get(path_info, with_cookie)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("tottime").print_stats(args.profile)
            stats.sort_stats("cumulative").print_stats(args.profile)
            print(f"\n## {name}: cProfile over {args.requests} requests\n")
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
