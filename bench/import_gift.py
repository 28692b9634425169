"""How long parsing and importing a large GIFT file takes, how much memory, how many queries.

Generates GIFT questions of every type GIFT can express, parses them with `parse_gift` and
imports them with `quizzes.services.banks.questions_import` into a fresh database: a new SQLite
file by default, or a new `test_<name>` PostgreSQL database when DATABASE_URL names one. Then
imports the same drafts again (nothing changes).

    .venv/bin/python -m bench.import_gift                 # 10,000 questions, writes the results
    .venv/bin/python -m bench.import_gift --questions 500 --output -
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/psoasquiz .venv/bin/python -m bench.import_gift

Prints a Markdown table and writes it to bench/results/import.md (`--output -` writes nothing).
"""

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "import.md"


def gift_question(n: int) -> str:
    """One question of the seven GIFT shapes, chosen by n, with the metadata our parser asks for."""
    head = (
        f"// source: Moore KL, Clinically Oriented Anatomy, 8th ed., p. {n % 900 + 1}\n"
        f"// difficulty: {n % 5 + 1}\n"
        f"// tags: bench, shape-{n % 7}\n"
        f"::bench-{n}::[markdown]"
    )
    why = f"####Question {n}: psoas major inserts on the **lesser trochanter**."
    shape = n % 7
    if shape == 0:
        body = (
            f"Question {n}\\: where does psoas major insert?{{\n"
            "\t=The lesser trochanter#Right.\n\t~The greater trochanter#No: gluteals.\n"
            f"\t~The iliac crest\n\t~The pubic tubercle\n\t{why}\n}}"
        )
    elif shape == 1:
        body = (
            f"Question {n}: tick the hip flexors.{{\n\t~%50%Iliacus\n\t~%50%Rectus femoris\n"
            f"\t~%-50%Gluteus maximus#It extends the hip.\n\t~%-50%Semitendinosus\n\t{why}\n}}"
        )
    elif shape == 2:
        body = (
            f"Question {n}: psoas major crosses the knee.{{FALSE#It ends at the femur.#Yes.{why}}}"
        )
    elif shape == 3:
        answers = "=iliacus =m. iliacus =%0%psoas minor"
        body = f"Question {n}: which muscle shares its tendon?{{{answers}{why}}}"
    elif shape == 4:
        body = (
            f"Question {n}: how many lumbar vertebrae?{{#\n\t=5:0#Right.\n\t=%50%4..6\n\t{why}\n}}"
        )
    elif shape == 5:
        body = (
            f"Question {n}: match each muscle to its origin.{{\n\t=Iliacus -> Iliac fossa\n"
            f"\t=Psoas major -> Vertebral column\n\t= -> Sacrum\n\t{why}\n}}"
        )
    else:
        body = f"Question {n}: psoas major inserts on the {{=lesser ~greater{why}}} trochanter."
    return head + body


def gift_file(count: int) -> str:
    return "\n\n".join(gift_question(n) for n in range(count)) + "\n"


def setup_database() -> tuple[str, callable]:
    """A fresh, migrated database; returns its description and a function that removes it."""
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
    folder = None
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.TemporaryDirectory(prefix="psoasquiz-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder.name}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psoasquiz.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)

        def drop():
            connection.close()
            folder.cleanup()

        return f"SQLite {connection.Database.sqlite_version} (new file)", drop
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    def drop():
        connection.creation.destroy_test_db(old_name, verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute("select version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    return f"{server} (new database {connection.settings_dict['NAME']})", drop


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--output", default=str(RESULTS), help="file to write, or - for none")
    args = parser.parse_args(argv)

    database, drop = setup_database()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quizzes.interchange.gift import parse_gift
    from quizzes.models import Option, QuestionBank
    from quizzes.services.banks import questions_import

    try:
        text = gift_file(args.questions)

        started = time.perf_counter()
        result = parse_gift(text)
        parse_seconds = time.perf_counter() - started
        if result.problems:
            print("\n".join(str(p) for p in result.problems[:10]), file=sys.stderr)
            return 1
        tracemalloc.start()
        parse_gift(text)
        parse_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()

        bank = QuestionBank.objects.create(slug="bench", title="Bench", topic="other")
        with CaptureQueriesContext(connection) as first_queries:
            started = time.perf_counter()
            report = questions_import(bank=bank, drafts=result.questions)
            import_seconds = time.perf_counter() - started
        with CaptureQueriesContext(connection) as again_queries:
            started = time.perf_counter()
            again = questions_import(bank=bank, drafts=result.questions)
            again_seconds = time.perf_counter() - started
        assert len(report.created) == args.questions and len(again.unchanged) == args.questions
        options = Option.objects.filter(version__question__bank=bank).count()
        # ru_maxrss is in kilobytes on Linux, bytes on macOS.
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rss_mb = rss / 1024 / (1024 if sys.platform == "darwin" else 1)
    finally:
        drop()

    table = "\n".join(
        [
            f"Database: {database}. Python {platform.python_version()}, "
            f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f} when the run ended.",
            f"File: {len(text.encode()) / 1e6:.1f} MB of GIFT, {args.questions:,} questions of "
            f"7 shapes, {options:,} options.",
            "",
            "| step | time | queries | memory |",
            "| --- | ---: | ---: | ---: |",
            f"| parse_gift | {parse_seconds:.2f} s | 0 | "
            f"{parse_peak / 1e6:.0f} MB peak (tracemalloc) |",
            f"| questions_import, new bank | {import_seconds:.2f} s | {len(first_queries)} | |",
            f"| questions_import again, nothing changed | {again_seconds:.2f} s | "
            f"{len(again_queries)} | |",
            f"| whole process | | | {rss_mb:.0f} MB max RSS |",
        ]
    )
    print(table)
    if args.output != "-":
        write_section(Path(args.output), connection.vendor, table)
    return 0


def write_section(path: Path, vendor: str, table: str) -> None:
    """Replace this database's section of the results file, keeping the other one."""
    title = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)
    sections = {}
    if path.exists():
        for chunk in path.read_text(encoding="utf-8").split("\n## ")[1:]:
            name, _, body = chunk.partition("\n")
            sections[name.strip()] = body.strip()
    sections[title] = table
    head = (
        "# GIFT import benchmark\n\n`make bench-import` (bench/import_gift.py; set DATABASE_URL "
        "for PostgreSQL). Figures from one run each; they vary by machine and load.\n\n"
        "The import is batched: the number of queries does not grow per question. PostgreSQL "
        "inserts each table in one statement; SQLite splits bulk inserts into batches that fit "
        "its limit on query parameters, so its count grows with the number of batches, never "
        "one per question. A second import of the same file reads, hashes and compares, and writes "
        "nothing. The load average is printed because the machine may be shared.\n"
    )
    body = "".join(f"\n## {name}\n\n{text}\n" for name, text in sorted(sections.items()))
    path.write_text(head + body, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
