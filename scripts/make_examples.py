#!/usr/bin/env python3
"""Regenerate data/examples/: the paper's small example networks as polyrelu.network files.

    python scripts/make_examples.py           # write data/examples/*.json
    python scripts/make_examples.py --check   # exit 1 if the shipped files differ
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from polyrelu import fileformat
from polyrelu.constructions import absolute_value, hard_function, max_of_two, zigzag

OUT = Path(__file__).resolve().parent.parent / "data" / "examples"


def examples() -> dict[str, dict]:
    nets = {
        "absolute_value": (absolute_value(), "|x| = s(x) + s(-x) (PAPER.md §1)"),
        "max_of_two": (max_of_two(), "max{x1, x2}, one hidden layer of 4 neurons (PAPER.md §3)"),
        "tent": (zigzag(["1/2"], 1), "zig-zag h_a with a = (1/2), M = 1 (PAPER.md §4)"),
        "figure1_hard": (hard_function([["1/2"], ["1/2"]], 1), "H = h_a o h_a, a = (1/2), M = 1 (the paper's Figure 1)"),
    }
    out = {}
    for name, (net, what) in nets.items():
        d = net.to_dict()
        d["metadata"] = {"description": what, "generated_by": "scripts/make_examples.py"}
        out[name] = d
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the shipped files instead of writing")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default: data/examples)")
    args = ap.parse_args()
    stale = []
    args.out.mkdir(parents=True, exist_ok=True)
    for name, obj in examples().items():
        path = args.out / f"{name}.json"
        text = fileformat.dumps(obj)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            fileformat.write_text_atomic(text, path)
    if stale:
        print("out of date (run scripts/make_examples.py):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
