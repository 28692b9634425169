"""Question versions with their options, kept per process.

A version never changes once written (an edit makes a new version; the admin shows versions read
only) and its id is never given to another row, so a version read once can serve every later
request of this process: the question page and the autosave then read no options at all. Nothing
is shared between processes, so there is nothing to invalidate across servers.
"""

import threading
from collections.abc import Iterable, Sequence

from django.db.models import Prefetch, prefetch_related_objects

from quizzes.models import Answer, Option, QuestionVersion

# About 2,000 questions' worth: the bundled banks and a few instructors' own.
CACHE_SIZE = 2000
_versions: dict[int, QuestionVersion] = {}
_lock = threading.Lock()


def _ordered_options() -> Prefetch:
    return Prefetch("options", queryset=Option.objects.order_by("position"))


def _keep(versions: list[QuestionVersion]) -> None:
    with _lock:
        for version in versions:
            while len(_versions) >= CACHE_SIZE:
                # The oldest first: dicts keep the order entries were added in.
                _versions.pop(next(iter(_versions)))
            _versions[version.pk] = version


def versions_with_options(ids: Iterable[int]) -> dict[int, QuestionVersion]:
    """Question versions by id, each with its options in order: no query for versions this
    process has read before, two (versions, options) for the others.

    The instances are shared between requests: read them, never change them.
    """
    found = {i: _versions.get(i) for i in set(ids)}
    missing = [i for i, version in found.items() if version is None]
    if missing:
        loaded = list(
            QuestionVersion.objects.filter(pk__in=missing).prefetch_related(_ordered_options())
        )
        _keep(loaded)
        found.update((version.pk, version) for version in loaded)
    return found


def attach_versions(answers: Sequence[Answer]) -> None:
    """Give each answer its question version with options in order, from this process's cache:
    no query when every version was read before; else one (options) when the answers came with
    their versions (select_related), two when they did not."""
    missing = []
    for answer in answers:
        version = _versions.get(answer.question_version_id)
        if version is not None:
            answer.question_version = version
        else:
            missing.append(answer)
    if not missing:
        return
    if all(Answer.question_version.is_cached(a) for a in missing):
        versions = {a.question_version_id: a.question_version for a in missing}
        prefetch_related_objects(list(versions.values()), _ordered_options())
        _keep(list(versions.values()))
    else:
        versions = versions_with_options(a.question_version_id for a in missing)
    for answer in missing:
        answer.question_version = versions[answer.question_version_id]


def forget_versions() -> None:
    """Empty the cache, for tests: SQLite gives the ids of rolled-back rows out again."""
    with _lock:
        _versions.clear()
