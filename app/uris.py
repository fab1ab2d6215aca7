"""Web addresses as URIs (RFC 3986): what the API's `format: uri` promises."""

import re
from contextlib import suppress
from urllib.parse import quote, urlsplit, urlunsplit

# Kept as they are: the characters a URI may hold outside a host, and "%".
_SAFE = "!$&'()*+,;=:@/?~%"
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _encode(part: str) -> str:
    return quote(_STRAY_PERCENT.sub("%25", part), safe=_SAFE)


def _host(netloc: str) -> str:
    """The host in ASCII (IDNA for a name in another script), then percent-encoded."""
    if not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        # Else percent-encoded below, as RFC 3986 allows in a host name.
        with suppress(UnicodeError):
            netloc = userinfo + at + hostport.encode("idna").decode("ascii")
    return quote(_STRAY_PERCENT.sub("%25", netloc), safe=_SAFE + "[]")


def to_uri(url: str) -> str:
    """`https://exemple.fr/défi?q=a b` -> `https://exemple.fr/d%C3%A9fi?q=a%20b`.

    An address that is already a URI comes back unchanged.
    """
    parts = urlsplit(url)
    return urlunsplit(
        (
            parts.scheme,
            _host(parts.netloc),
            _encode(parts.path),
            _encode(parts.query),
            _encode(parts.fragment),
        )
    )
