"""quizzes/cache.py: Django's Redis cache keeping one client per pool, against a real Redis."""

import socket
import threading
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

from quizzes.cache import KeptClientRedisCache


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_reachable(), reason="needs Redis on 127.0.0.1:6379")


@pytest.fixture
def cache():
    # A key prefix of its own, so that nothing else using this Redis database is touched.
    made = KeptClientRedisCache(
        "redis://127.0.0.1:6379/13", {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"}
    )
    yield made
    made.delete_many(["a", "b", "n", "gone", *[f"t{i}" for i in range(8)]])


def test_it_keeps_one_client_where_django_makes_one_per_operation(cache):
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    django = RedisCache("redis://127.0.0.1:6379/13", {})
    assert django._cache.get_client() is not django._cache.get_client()


def test_it_stores_reads_counts_and_forgets_as_django_does(cache):
    cache.set("a", {"session": [1, 2, 3]}, 60)
    assert cache.get("a") == {"session": [1, 2, 3]}
    assert cache.add("a", "other") is False
    assert cache.get_many(["a", "b"]) == {"a": {"session": [1, 2, 3]}}
    cache.set("n", 1)
    assert cache.incr("n", 4) == 5
    cache.set("gone", "soon", 60)
    cache.delete("gone")
    assert cache.get("gone", "missing") == "missing"
    assert cache.touch("a", 1) is True


def test_threads_share_the_kept_client(cache):
    errors = []

    def work(i):
        try:
            for n in range(50):
                cache.set(f"t{i}", n)
                assert cache.get(f"t{i}") == n
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
