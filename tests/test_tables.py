"""Generated proof tables in data/ are reproducible (slow: run with -m slow)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_zonotope_family_table_is_reproducible():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "family_table.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "MISMATCH" not in (ROOT / "data" / "tables" / "zonotope_family.md").read_text()
