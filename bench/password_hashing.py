"""How long an Argon2id hash takes, how much memory it holds, and how long a class waits.

    .venv/bin/python bench/password_hashing.py

For each setting: the median time of one hash, the peak memory a process gains while hashing
(VmHWM, Linux), and the wall time for 30 logins arriving at once on a server with 2 cores (two
worker processes hashing side by side). Figures go in docs/security.md.
"""

import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from argon2.low_level import Type, hash_secret_raw

# (memory_cost KiB, time_cost, parallelism)
SETTINGS = [
    (19 * 1024, 2, 1),  # OWASP's minimum for Argon2id
    (19 * 1024, 3, 1),
    (46 * 1024, 1, 1),  # OWASP's other minimum
    (64 * 1024, 2, 1),
    (100 * 1024, 2, 8),  # Django's Argon2PasswordHasher defaults
]
CLASS_SIZE = 30
CORES = 2


def one_hash(setting) -> float:
    memory_cost, time_cost, parallelism = setting
    start = time.perf_counter()
    hash_secret_raw(
        b"a class password",
        b"0123456789abcdef",
        time_cost=time_cost,
        memory_cost=memory_cost,
        parallelism=parallelism,
        hash_len=32,
        type=Type.ID,
    )
    return time.perf_counter() - start


def peak_memory(setting) -> int:
    """KiB of peak resident memory a fresh Python gains by hashing once (against one that only
    imports argon2)."""

    def peak(hash_it: bool) -> int:
        code = (
            "from bench.password_hashing import one_hash; "
            f"{'one_hash(' + repr(setting) + ');' if hash_it else ''}"
            # VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would start at ours.
            "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        return int(done.stdout)

    return peak(True) - peak(False)


def main():
    print("| memory | time | lanes | one hash (median of 9) | peak memory | 30 at once, 2 cores |")
    print("| --- | --- | --- | --- | --- | --- |")
    for setting in SETTINGS:
        times = [one_hash(setting) for _ in range(9)]
        grown = peak_memory(setting)
        with ProcessPoolExecutor(CORES) as pool:
            list(pool.map(one_hash, [setting] * CORES))  # warm the workers
            start = time.perf_counter()
            list(pool.map(one_hash, [setting] * CLASS_SIZE))
            wall = time.perf_counter() - start
        memory_cost, time_cost, parallelism = setting
        print(
            f"| {memory_cost // 1024} MiB | {time_cost} | {parallelism} "
            f"| {statistics.median(times) * 1000:.0f} ms | {grown / 1024:.0f} MiB | {wall:.1f} s |",
            flush=True,
        )


if __name__ == "__main__":
    main()
