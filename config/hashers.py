"""Password hashing: Argon2id at the OWASP Password Storage Cheat Sheet's settings."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2Hasher(Argon2PasswordHasher):
    """Argon2id with 19 MiB, 2 passes, 1 lane (OWASP's first recommended setting).

    Django's defaults (100 MiB, 8 lanes) cost about 0.3 s of CPU a sign-in on
    this project's 2-core machine, and 100 MiB each for people signing in at
    once; these cost a tenth of that. Still memory-hard, which is what makes
    guessing on GPUs expensive. Hashes keep the name "argon2", so ones made
    with other parameters still verify, and are re-hashed with these at the
    next sign-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
