"""data/examples is regenerable: the script's output equals the shipped files."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_examples_are_up_to_date():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_examples.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
