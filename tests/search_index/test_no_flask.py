"""search_index is a library: importing it never drags the web app in."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import sys
import search_index
from search_index import open_index
open_index("memory:").close()
loaded = [m for m in sys.modules if m.split(".")[0] in ("flask", "app")]
print(",".join(loaded))
"""


def test_importing_search_index_imports_neither_flask_nor_the_app():
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", CHECK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ""
