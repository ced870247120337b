#!/usr/bin/env python3
"""Proof table: certified pieces of the zonotope family H o g_Z against the paper's count.

A thin call of ``polyrelu table zonotope-family`` (the table, its grid, its seeds and its
provenance live in polyrelu.paper.tables):

    python scripts/family_table.py            # writes data/tables/zonotope_family.{md,csv} (+ provenance)
    python scripts/family_table.py --check    # regenerates and diffs (exit 1 with the differing rows)

Extra arguments are passed on (e.g. --workers 2, --scheduler tcp://host:8786, --journal F).
"""

from __future__ import annotations

import sys
from pathlib import Path

from polyrelu.cli import main as polyrelu

TABLES = Path(__file__).resolve().parent.parent / "data" / "tables"
GRID = ["--full", "--max-pieces", "3000"]


if __name__ == "__main__":
    args = sys.argv[1:]
    mode = "--check" if "--check" in args else "--out"
    rest = [a for a in args if a != "--check"]
    files = [a for ext in ("md", "csv") for a in (mode, str(TABLES / f"zonotope_family.{ext}"))]
    sys.exit(polyrelu(["table", "zonotope-family", *GRID, *files, *rest]))
