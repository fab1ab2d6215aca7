"""schemathesis hooks for tests/fuzz/run.py (loaded through SCHEMATHESIS_HOOKS).

TEMPORARY: issue 12 point 4 (ids past the column range give a 500) is being fixed
apart, with a range check at the edge. Until it lands, a 5xx on a request carrying
an integer past 2^31 - 1 (PostgreSQL's integer) is not counted; every other
failure is. Remove this file and SCHEMATHESIS_HOOKS in run.py once it has landed.
"""

import schemathesis

LARGEST_ID = 2**31 - 1


def _huge_ints(value) -> bool:
    """Whether a generated value holds an integer past LARGEST_ID, at any depth."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value > LARGEST_ID
    if isinstance(value, str):
        return value.isascii() and value.isdigit() and int(value) > LARGEST_ID
    if isinstance(value, dict):
        return any(_huge_ints(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_huge_ints(item) for item in value)
    return False


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    """Keep a failure unless it is a 5xx on an id past the column range."""
    if response.status_code < 500:
        return True
    sent = (case.path_parameters, case.query, case.body)
    return not any(_huge_ints(part) for part in sent)
