"""Password hashing: Argon2id, sized so that a whole class can log in at once on a small server.

Django's Argon2PasswordHasher defaults (100 MiB, 2 passes, 8 lanes) take most of a second per
login on two cores, so thirty students logging in at the start of a lesson would wait half a
minute. OWASP's minimum for Argon2id (19 MiB, 2 passes, 1 lane) costs tens of milliseconds and
19 MiB per login in progress. Figures and how they were measured: docs/security.md.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class ClassroomArgon2PasswordHasher(Argon2PasswordHasher):
    # Keeps Django's algorithm name ("argon2"), so hashes made with other parameters still
    # verify, and get re-hashed with these on the next login (must_update compares them).
    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
