"""What Chromium downloads for the home page: the first visit within its budget,
and a returning member fetches the page alone, every file from the cache.

The bytes are Chromium's own count (benchmarks/weight.py's `Tab`); the paint
times are the benchmark's business, not a test's.
"""

from benchmarks.weight import FIRST_KB, REPEAT_KB, Tab, log_in
from tests.factories import PASSWORD, make_member


def test_a_returning_member_downloads_the_page_and_nothing_else(browser, live_server):
    with live_server.app.app_context():
        make_member(username="alice", display_name="Alice Durand")
    context = browser.new_context(locale="fr-FR")
    log_in(context, live_server.url, "alice", PASSWORD)  # the cache stays empty

    tab = Tab(context)
    first = tab.visit(f"{live_server.url}/")
    assert any("dsfr.main.min.css" in url for url in first["by_url"])
    assert first["bytes"] <= FIRST_KB * 1024, first["by_url"]

    repeat = tab.visit(f"{live_server.url}/")
    assert list(repeat["by_url"]) == [f"{live_server.url}/"], repeat["by_url"]
    assert repeat["bytes"] <= REPEAT_KB * 1024
    context.close()
