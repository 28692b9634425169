"""Time the quiz report (quizzes.selectors.reports.quiz_report) against a bare SQL aggregate.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/psoasquiz make bench-reports
    .venv/bin/python -m bench.reports --help

For each class size it bulk-inserts a synthetic class (bench/report_data.py) into a new
database (`bench_<name>` on PostgreSQL, a temporary file on SQLite), then times, after one
warm-up run each, `quiz_report` and the bare aggregate over the same answers

    SELECT question_version_id, AVG(fraction), COUNT(*) FROM answer JOIN attempt ... GROUP BY 1

in turns, and reports the medians of the repeats, the bare aggregate's spread, the median of
the pairs' ratios, the queries per report and the peak Python memory of one report
(tracemalloc). The quiz grades the average, so every attempt counts and the
report reads every answer. Writes bench/results/reports.md unless `--output -`.

`--class-reports` times the class dashboard, topic mastery and myth reports
(quizzes/selectors/class_reports.py) the same way, on the same kind of class with cards and
reviews added, against bare GROUP BY aggregates over the rows each reads, and replaces only
their section of the results file (`make bench-reports BENCH_ARGS=--class-reports`). `--huge`
adds 10,000 students (2M answers) to either.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "reports.md"
TARGET_RATIO = 3.0
TARGET_QUERIES = 15

# (students, attempts per student) for a 20-question quiz.
SIZES = [(30, 2), (1000, 10)]
HUGE = (10_000, 10)


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
    # Not test_<name>: pytest may be using that one at the same time.
    connection.settings_dict["TEST"]["NAME"] = f"bench_{old_name}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    def drop():
        connection.creation.destroy_test_db(old_name, verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute("select version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    return f"{server} (new database {connection.settings_dict['NAME']})", drop


BARE_SQL = """
SELECT a.question_version_id, AVG(a.fraction), COUNT(*)
FROM quizzes_answer a JOIN quizzes_attempt t ON t.id = a.attempt_id
WHERE t.quiz_id = %s AND t.state IN ('submitted', 'overdue')
GROUP BY 1
"""


# The report also reads every choice of those answers (distractor analysis): the bare aggregate
# over those rows, for the second ratio (against both, one pass over each table the report reads,
# as the class reports are measured).
BARE_CHOICES_SQL = """
SELECT c.option_id, COUNT(*), AVG(c.mark)
FROM quizzes_answerchoice c JOIN quizzes_attempt t ON t.id = c.attempt_id
WHERE t.quiz_id = %s AND t.state IN ('submitted', 'overdue')
GROUP BY 1
"""


def bare_aggregate(quiz_id: int, *, with_choices: bool = False) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(BARE_SQL, [quiz_id])
        rows = cursor.fetchall()
        if with_choices:
            cursor.execute(BARE_CHOICES_SQL, [quiz_id])
            rows += cursor.fetchall()
        return rows


def timed_pairs(report, bare, repeat: int) -> dict:
    """Medians of `repeat` report and bare runs, taken in turns so that a burst of load on a
    shared machine hits both; the ratio is the median of the pairs' ratios."""
    report()  # warm-up: plans, caches
    bare()
    pairs = []
    for _ in range(repeat):
        start = time.perf_counter()
        bare()
        middle = time.perf_counter()
        report()
        pairs.append((time.perf_counter() - middle, middle - start))
    bares = [b for _, b in pairs]
    return {
        "report_s": statistics.median(r for r, _ in pairs),
        "bare_s": statistics.median(bares),
        "bare_min_s": min(bares),
        "bare_max_s": max(bares),
        "ratio": statistics.median(r / b for r, b in pairs),
    }


def measure(students: int, per_student: int, repeat: int, seed: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.report_data import build_class
    from quizzes.selectors.reports import quiz_report

    start = time.perf_counter()
    scenario = build_class(students=students, attempts_per_student=per_student, seed=seed)
    load = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    quiz = scenario.quiz

    def report():
        return quiz_report(quiz=quiz)

    times = timed_pairs(report, lambda: bare_aggregate(quiz.pk), repeat)
    both = timed_pairs(report, lambda: bare_aggregate(quiz.pk, with_choices=True), repeat)
    cpu_start = time.process_time()
    report()
    python_cpu = time.process_time() - cpu_start
    with CaptureQueriesContext(connection) as queries:
        result = report()
    tracemalloc.start()
    report()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.test.attempts == scenario.attempts
    reversed_item = result.questions[0]
    return {
        "students": students,
        "attempts": scenario.attempts,
        "answers": scenario.answers,
        "load_s": load,
        **times,
        "bare_both_s": both["bare_s"],
        "ratio_both": both["ratio"],
        "python_cpu_s": python_cpu,
        "queries": len(queries),
        "peak_kib": peak / 1024,
        "alpha": result.test.alpha.value,
        "reversed_di": reversed_item.discrimination.value,
    }


# --- class reports: dashboard, topic mastery, myths ---------------------------------------------

CLASS_SIZES = [(30, 2), (1000, 10)]
CLASS_HUGE = (10_000, 10)
CLASS_SECTION = "## Class reports: dashboard, topic mastery, myths"
CLASS_END = "<!-- end of class reports -->"


def class_bare_queries() -> dict[str, list[str]]:
    """Per report, the bare GROUP BY aggregates over the same rows it reads (one pass each)."""
    from quizzes.models import (
        Answer,
        AnswerChoice,
        Assignment,
        Attempt,
        CardState,
        Enrollment,
        Option,
        ReviewLog,
    )

    t = {
        m.__name__: m._meta.db_table
        for m in (
            Answer,
            AnswerChoice,
            Assignment,
            Attempt,
            CardState,
            Enrollment,
            Option,
            ReviewLog,
        )
    }
    attempts = (
        f"SELECT t.student_id, COUNT(*), MAX(t.fraction) FROM {t['Attempt']} t "
        f"JOIN {t['Assignment']} a ON a.id = t.assignment_id WHERE a.classroom_id = %s GROUP BY 1"
    )
    cards = (
        f"SELECT c.student_id, COUNT(*), SUM(c.stability) FROM {t['CardState']} c "
        f"JOIN {t['Enrollment']} e ON e.student_id = c.student_id WHERE e.classroom_id = %s "
        "GROUP BY 1"
    )
    reviews = (
        f"SELECT c.student_id, COUNT(*), MAX(r.reviewed_at) FROM {t['ReviewLog']} r "
        f"JOIN {t['CardState']} c ON c.id = r.card_id "
        f"JOIN {t['Enrollment']} e ON e.student_id = c.student_id WHERE e.classroom_id = %s "
        "GROUP BY 1"
    )
    answers = (
        f"SELECT t.student_id, COUNT(*), AVG(n.fraction) FROM {t['Answer']} n "
        f"JOIN {t['Attempt']} t ON t.id = n.attempt_id "
        f"JOIN {t['Assignment']} a ON a.id = t.assignment_id WHERE a.classroom_id = %s GROUP BY 1"
    )
    myths = (
        f"SELECT c.option_id, COUNT(*) FROM {t['AnswerChoice']} c "
        f"JOIN {t['Option']} o ON o.id = c.option_id AND o.is_myth "
        f"JOIN {t['Answer']} n ON n.id = c.answer_id "
        f"JOIN {t['Attempt']} t ON t.id = n.attempt_id "
        f"JOIN {t['Assignment']} a ON a.id = t.assignment_id WHERE a.classroom_id = %s GROUP BY 1"
    )
    return {
        "dashboard": [attempts, cards, reviews],
        "mastery": [cards, answers],
        "myths": [answers, myths],
    }


def run_bare(sqls: list[str], classroom_id: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute(sql, [classroom_id])
            cursor.fetchall()


def measure_class(students: int, per_student: int, repeat: int, seed: int) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.report_data import STARTED, add_memory, build_class
    from quizzes.selectors import class_reports

    start = time.perf_counter()
    scenario = build_class(
        students=students, attempts_per_student=per_student, seed=seed, label=f"cls-{seed}"
    )
    cards, reviews = add_memory(scenario, seed=seed)
    load = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    classroom = scenario.classroom
    now = STARTED + timedelta(days=12)
    reports = {
        "dashboard": lambda: class_reports.class_dashboard(classroom, now),
        "mastery": lambda: class_reports.mastery_report(classroom, now),
        "myths": lambda: class_reports.myth_report(classroom, now),
    }
    bare = class_bare_queries()
    rows = []
    for name, report in reports.items():
        times = timed_pairs(report, lambda name=name: run_bare(bare[name], classroom.pk), repeat)
        with CaptureQueriesContext(connection) as queries:
            result = report()
        tracemalloc.start()
        report()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = {
            "dashboard": lambda r: len(r.students),
            "mastery": lambda r: len(r.rows),
            "myths": lambda r: len(r.myths),
        }[name](result)
        rows.append(
            {
                "report": name,
                "students": students,
                "attempts": scenario.attempts,
                "answers": scenario.answers,
                "cards": cards,
                "reviews": reviews,
                "load_s": load,
                **times,
                "queries": len(queries),
                "bare_queries": len(bare[name]),
                "peak_kib": peak / 1024,
                "rows": size,
            }
        )
    return rows


def class_table(rows: list[dict]) -> str:
    lines = [
        "| report | students | attempts | answers | cards | reviews | report (ms) "
        "| bare aggregates (ms) | bare min–max (ms) | ratio | queries (bare) "
        "| peak Python memory (KiB) | rows shown |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['report']} | {r['students']:,} | {r['attempts']:,} | {r['answers']:,} "
            f"| {r['cards']:,} | {r['reviews']:,} | {r['report_s'] * 1000:.1f} "
            f"| {r['bare_s'] * 1000:.1f} "
            f"| {r['bare_min_s'] * 1000:.1f}–{r['bare_max_s'] * 1000:.1f} | {r['ratio']:.2f} "
            f"| {r['queries']} ({r['bare_queries']}) "
            f"| {r['peak_kib']:.0f} | {r['rows']:,} |"
        )
    return "\n".join(lines)


def replace_section(text: str, section: str) -> str:
    """`text` with the class-reports section replaced by `section` (added at the end if absent);
    everything else in the file is kept as it is."""
    if CLASS_SECTION in text and CLASS_END in text:
        before = text[: text.index(CLASS_SECTION)]
        after = text[text.index(CLASS_END) + len(CLASS_END) :]
        return before + section + after
    return text.rstrip("\n") + "\n\n" + section + "\n"


def table(rows: list[dict]) -> str:
    lines = [
        "| students | attempts | answers | report (ms) | of which Python CPU (ms) "
        "| bare aggregate (ms) | bare min–max (ms) | ratio | bare answers + choices (ms) "
        "| ratio to that | queries | peak Python memory (KiB) "
        "| alpha (%) | DI of the reversed item |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['students']:,} | {r['attempts']:,} | {r['answers']:,} "
            f"| {r['report_s'] * 1000:.1f} | {r['python_cpu_s'] * 1000:.1f} "
            f"| {r['bare_s'] * 1000:.1f} "
            f"| {r['bare_min_s'] * 1000:.1f}–{r['bare_max_s'] * 1000:.1f} | {r['ratio']:.2f} "
            f"| {r['bare_both_s'] * 1000:.1f} | {r['ratio_both']:.2f} "
            f"| {r['queries']} | {r['peak_kib']:.0f} | {r['alpha']:.1f} "
            f"| {r['reversed_di']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--huge", action="store_true", help="add 10,000 students / 2M answers")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default=str(RESULTS), help="'-' to write no file")
    parser.add_argument(
        "--class-reports",
        action="store_true",
        help="time the class dashboard, mastery and myth reports instead, and update their "
        "section of the results file (keeping the rest)",
    )
    args = parser.parse_args(argv)
    database, drop = setup_database()
    if args.class_reports:
        return main_class(args, database, drop)
    sizes = SIZES + ([HUGE] if args.huge else [])
    rows = []
    try:
        for students, per_student in sizes:
            row = measure(students, per_student, args.repeat, args.seed + students)
            rows.append(row)
            print(
                f"{students} students: report {row['report_s'] * 1000:.1f} ms, bare "
                f"{row['bare_s'] * 1000:.1f} ms, ratio {row['ratio']:.2f} "
                f"({row['ratio_both']:.2f} to answers + choices), "
                f"{row['queries']} queries (loaded in {row['load_s']:.0f} s)",
                file=sys.stderr,
            )
    finally:
        drop()
    body = table(rows)
    print(body)
    if args.output != "-":
        path = Path(args.output)
        kept = path.read_text() if path.exists() else ""
        # The class reports' section is written by --class-reports: keep it.
        classes = kept[kept.index(CLASS_SECTION) :] if CLASS_SECTION in kept else ""
        path.write_text(
            "# Quiz report benchmark\n\n"
            "`make bench-reports` (bench/reports.py; data from bench/report_data.py). "
            f"Database: {database}; {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f} at the end. Median of {args.repeat} runs after a warm-up, "
            "report and bare aggregate in turns; "
            "20-question "
            "quiz graded by the average, so every attempt and answer counts. Targets at 1,000 "
            f"students: within {TARGET_RATIO:g}x the bare aggregate, at most {TARGET_QUERIES} "
            "queries. `ratio` is against the bare aggregate over the answers alone; "
            "`ratio to that` against bare aggregates over the answers and over their choices, "
            "the two tables the report reads (as the class reports below are measured).\n\n"
            + body
            + "\n"
            + ("\n" + classes if classes else "")
        )
    return 0


def main_class(args, database: str, drop) -> int:
    rows = []
    try:
        for students, per_student in CLASS_SIZES + ([CLASS_HUGE] if args.huge else []):
            found = measure_class(students, per_student, args.repeat, args.seed + students)
            rows += found
            for r in found:
                print(
                    f"{r['report']} at {students} students: {r['report_s'] * 1000:.1f} ms, "
                    f"bare {r['bare_s'] * 1000:.1f} ms, ratio {r['ratio']:.2f}, "
                    f"{r['queries']} queries",
                    file=sys.stderr,
                )
    finally:
        drop()
    body = class_table(rows)
    print(body)
    if args.output != "-":
        section = (
            f"{CLASS_SECTION}\n\n"
            "`.venv/bin/python -m bench.reports --class-reports` (data: `build_class` plus "
            "`add_memory` in bench/report_data.py: every student holds a review-phase card on each "
            "of the 20 questions, with 5 reviews each). "
            f"Database: {database}; {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f} at the end. Median of {args.repeat} runs after a warm-up, "
            "report and bare aggregates in turns; the ratio is the median of the pairs' ratios. "
            "Each selector is timed alone (no template), against the bare GROUP BY aggregates "
            "over the same rows (dashboard: attempts, cards and reviews per student; mastery: "
            "cards and answers per student; myths: answers per student and myth choices per "
            "option), run back to back. Targets at 1,000 students: within "
            f"{TARGET_RATIO:g}x the bare aggregates; at most {TARGET_QUERIES} queries, the same "
            "at every size.\n\n" + body + "\n\n" + CLASS_END
        )
        path = Path(args.output)
        path.write_text(replace_section(path.read_text() if path.exists() else "", section))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
