"""Alice and Bob (as in the channel tests), and browsers with CSRF on."""

from tests.channels.conftest import alice, bob  # noqa: F401
from tests.security.conftest import browser_factory  # noqa: F401
