"""Page weight of the student pages: HTML plus the CSS and JS each page loads, raw and gzipped.

Run: `make bench-pages` (or `.venv/bin/python bench/page_weight.py`). It builds a throwaway SQLite
database with the bundled banks and the demo class, walks a demo student through the pages a
student sees (home, quiz, every question type, finish, review, study, progress) with Django's test
client, and prints one row per page. Target: every student page at most 60 KB transferred
(gzipped, as whitenoise serves static files and a proxy serves HTML), and no script from another
origin.
"""

import gzip
import os
import re
import sys
import tempfile
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_BYTES = 60 * 1024
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def setup_django(db_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "psoasquiz.settings"
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    for command in ("migrate", "load_banks", "load_demo"):
        call_command(command, stdout=StringIO())


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def asset_bytes(url: str) -> bytes:
    from django.conf import settings
    from django.contrib.staticfiles import finders

    if not url.startswith(settings.STATIC_URL) and not url.startswith("/" + settings.STATIC_URL):
        raise SystemExit(f"third-party or unexpected asset on a student page: {url}")
    relative = url.split(settings.STATIC_URL, 1)[1].split("?")[0]
    found = finders.find(relative)
    if not found:
        raise SystemExit(f"asset not found: {url}")
    return Path(found).read_bytes()


def weigh(name: str, html: bytes) -> dict:
    assets = ASSET.findall(html.decode())
    bodies = [asset_bytes(url) for url in assets]
    raw = len(html) + sum(len(b) for b in bodies)
    packed = gz(html) + sum(gz(b) for b in bodies)
    return {
        "page": name,
        "html": len(html),
        "assets": len(bodies),
        "raw": raw,
        "gzip": packed,
    }


def student_pages(client) -> list[tuple[str, bytes]]:
    """Walk the demo student's flow; each step is (page name, HTML)."""
    from django.urls import NoReverseMatch, reverse

    from quizzes.models import Assignment, Attempt

    pages = [("landing (anonymous)", client.get("/").content)]
    pages.append(("log in", client.get(reverse("login")).content))
    client.post(reverse("login"), {"username": "demo-student-1", "password": "psoas-demo"})
    pages.append(("student home", client.get("/").content))
    try:
        reverse("assignment_detail", args=[1])
    except NoReverseMatch:
        return pages
    assignments = list(
        Assignment.objects.filter(classroom__join_code="PSOASDEMO")
        .select_related("quiz")
        .order_by("quiz__slug")
    )
    first = assignments[0]
    pages.append(("quiz page", client.get(reverse("assignment_detail", args=[first.pk])).content))
    # Every question type once, from whichever bundled quiz draws it first.
    seen = set()
    attempts = []
    for assignment in assignments:
        client.post(reverse("attempt_start", args=[assignment.pk]))
        attempt = Attempt.objects.filter(assignment=assignment).latest("started_at")
        attempts.append(attempt)
        for answer in attempt.answers.select_related("question_version").order_by("position"):
            qtype = answer.question_version.qtype
            if qtype in seen:
                continue
            seen.add(qtype)
            url = reverse("attempt_question", args=[attempt.pk, answer.position])
            pages.append((f"question: {qtype}", client.get(url).content))
    attempt = attempts[0]
    pages.append(("finish", client.get(reverse("attempt_finish", args=[attempt.pk])).content))
    client.post(reverse("attempt_finish", args=[attempt.pk]))
    pages.append(("review", client.get(reverse("attempt_review", args=[attempt.pk])).content))
    for name in ("study", "progress"):
        try:
            pages.append((name, client.get(reverse(name)).content))
        except NoReverseMatch:
            pass
    return pages


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        from django.test import Client

        client = Client(HTTP_HOST="localhost")
        rows = [weigh(name, html) for name, html in student_pages(client)]
    print(f"Student page weight (target ≤ {TARGET_BYTES // 1024} KB gzipped, no third-party JS)")
    print()
    print("| page | HTML bytes | CSS/JS files | total raw | total gzip | gzip ÷ target |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        ratio = r["gzip"] / TARGET_BYTES
        print(
            f"| {r['page']} | {r['html']:,} | {r['assets']} | {r['raw']:,} | {r['gzip']:,} "
            f"| {ratio:.2f} |"
        )
    heaviest = max(rows, key=lambda r: r["gzip"])
    print()
    print(f"Heaviest: {heaviest['page']} at {heaviest['gzip']:,} bytes gzipped.")
    if heaviest["gzip"] > TARGET_BYTES:
        raise SystemExit("over the page-weight target")


if __name__ == "__main__":
    main()
