"""Password hashing that does not stop a gevent process.

argon2 takes tens of milliseconds on purpose. Under gevent every socket of the
process lives in one thread, so a hash computed there holds them all while it
runs. argon2-cffi releases the GIL during the hash, so running it in gevent's
native thread pool lets the other greenlets go on meanwhile.
"""

from argon2 import PasswordHasher


class CooperativeHasher:
    """The PasswordHasher calls the app makes, hash and verify in a native thread."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self._hasher = hasher

    def hash(self, password: str) -> str:
        return _native_threads().apply(self._hasher.hash, (password,))

    def verify(self, hashed: str, password: str) -> bool:
        return _native_threads().apply(self._hasher.verify, (hashed, password))

    def check_needs_rehash(self, hashed: str) -> bool:
        return self._hasher.check_needs_rehash(hashed)


def _native_threads():
    import gevent

    return gevent.get_hub().threadpool


def for_mode(hasher: PasswordHasher, async_mode: str) -> PasswordHasher:
    """The hasher itself, or, under gevent, the cooperative one."""
    if async_mode == "gevent":
        return CooperativeHasher(hasher)  # type: ignore[return-value]
    return hasher
