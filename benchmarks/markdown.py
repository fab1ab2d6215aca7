"""Markdown budget: the worst shapes cost at most linear CPU, like plain text.

For each field's longest text (chat message 4,000 characters, bio 10,000,
resource and défi descriptions 20,000) and each shape of tests/security/
test_markdown_cost.py, times what every write path runs (`check_markdown`:
render, or refuse a text too costly) at half and at full length, CPU time
(`time.process_time`), best of --repeat, and compares it with plain text of
the same length. --before also times each shape without the bound (markdown-it
alone), as it was rendered on every read before.

Run from the repository root:  .venv/bin/python benchmarks/markdown.py [--quick]
"""

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app import markdown  # noqa: E402
from tests.security.test_markdown_cost import FIELDS, SHAPES, shape  # noqa: E402

MAX_RATIO = 3.0  # doubling the text at most triples the cost
MAX_US_PER_CHAR = 40.0  # the worst shape at the longest length


def cpu(text: str, repeat: int, bounded: bool = True) -> tuple[float, str]:
    """Best CPU seconds of `repeat` write-path checks, and what came of it."""
    best, outcome = float("inf"), "rendered"
    for _ in range(repeat):
        markdown._render.cache_clear()
        gc.collect()
        start = time.process_time()
        if bounded:
            try:
                markdown.check_markdown(text)
            except markdown.TooComplex:
                outcome = "refused"
        else:
            markdown._md.render(text, {"work_left": [10**12]})
        best = min(best, time.process_time() - start)
    return best, outcome


def row(name: str, longest: int, args) -> tuple[str, bool]:
    half, _ = cpu(shape(name, longest // 2), args.repeat)
    full, outcome = cpu(shape(name, longest), args.repeat)
    plain, _ = cpu(("lorem ipsum " * longest)[:longest], args.repeat)
    ratio = full / max(half, 1e-4)
    per_char = full / longest * 1e6
    ok = (ratio <= MAX_RATIO or full < 0.05) and per_char <= MAX_US_PER_CHAR
    before = ""
    if args.before:
        before = f"{cpu(shape(name, longest), 1, bounded=False)[0] * 1000:9.0f}"
    line = (
        f"{name:18} {longest:6} {half * 1000:8.1f} {full * 1000:8.1f} {ratio:5.2f}"
        f" {per_char:6.1f} {full / max(plain, 1e-4):7.0f} {outcome:8} {before:>9}"
        f"  {'PASS' if ok else 'FAIL'}"
    )
    return line, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 chars only")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", action="store_true", help="also unbounded")
    args = parser.parse_args()
    sizes = sorted(set(FIELDS.values()))
    if args.quick:
        sizes = sizes[-1:]
    print(
        f"{'shape':18} {'chars':>6} {'n/2 ms':>8} {'n ms':>8} {'ratio':>5}"
        f" {'µs/ch':>6} {'×plain':>7} {'result':8} {'before ms':>9}  budget"
    )
    failed = False
    for longest in sizes:
        for name in SHAPES:
            line, ok = row(name, longest, args)
            print(line, flush=True)
            failed |= not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
