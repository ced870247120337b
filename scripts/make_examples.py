#!/usr/bin/env python3
"""Regenerate data/examples/ (the paper's small networks, including the three panels of
Figure 1, and the small arrangement, zonotope, polyhedron and affine-function files the
README uses) and data/certificates/ (certificates of their regions and pieces).

    python scripts/make_examples.py           # write data/examples/*.json and data/certificates/*.json
    python scripts/make_examples.py --check   # exit 1 if the shipped files differ

Figure 1 (docs/mathematics.md §5): M = 1 and every a^i = (1/2); left ZONOTOPE^2_{2,2,2} with
b = (0,1), (1,0) (k = 2 zig-zag layers); middle ZONOTOPE^2_{2,2,4} and right ZONOTOPE^2_{3,2,4}
with c = (1/4,1/2), (-1/2,0), (0,-1/4), (-1/4,-1/4).  The figures themselves are drawn by
``polyrelu paper --figures data/figures``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from polyrelu.io import formats
from polyrelu.paper.constructions import absolute_value, hard_function, max_of_two, zigzag
from polyrelu.certify import network_certificate

OUT = Path(__file__).resolve().parent.parent / "data" / "examples"


def examples() -> dict[str, dict]:
    nets = {
        "absolute_value": (absolute_value(), "|x| = s(x) + s(-x) (docs/mathematics.md §1)"),
        "max_of_two": (max_of_two(), "max{x1, x2}, one hidden layer of 4 neurons (docs/mathematics.md §3)"),
        "tent": (zigzag(["1/2"], 1), "zig-zag h_a with a = (1/2), M = 1 (docs/mathematics.md §4)"),
        "figure1_hard": (hard_function([["1/2"], ["1/2"]], 1), "H = h_{a^2} o h_{a^1}, a^1 = a^2 = (1/2), M = 1 (the hard function of Figure 1, left and middle)"),
    }
    from polyrelu.paper.claims import FIGURE1_PANELS, figure1_network

    for panel, (name, bps, gens) in FIGURE1_PANELS.items():
        a = ", ".join(f"a^{i + 1}" for i in range(len(bps)))
        b = "; ".join("(" + ", ".join(str(v) for v in g) + ")" for g in gens)
        nets[f"figure1_{panel}"] = (figure1_network(panel), f"Figure 1 ({panel}): {name} = H o g_Z with {a} = (1/2), generators {b}, M = 1")
    from polyrelu.geometry.arrangement import HyperplaneArrangement
    from polyrelu.geometry.polyhedron import FORMAT as POLYHEDRON
    from polyrelu.geometry.polyhedron import OpenPolyhedron
    from polyrelu.geometry.zonotope import Zonotope
    from polyrelu.io.functions import FORMAT as FUNCTIONS

    objects = {name: (net.to_dict(), what) for name, (net, what) in nets.items()}
    objects["arrangement"] = (
        HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1), ([2, 2], 2)]).to_dict(),
        "x1 = 0, x2 = 0 and x1 + x2 = 1 written twice (coincident): 7 regions, 1 bounded",
    )
    objects["zonotope"] = (Zonotope([[1, 0], [0, 1], [1, 1]], [0, 0]).to_dict(), "a hexagon: generators (1,0), (0,1), (1,1)")
    objects["square"] = (dict(OpenPolyhedron.box(2, -1, 1).to_dict(), format=POLYHEDRON, version=1),
                         "the open square (-1, 1)^2, for --domain (a . x < b)")
    objects["max_affine"] = (
        {"format": FUNCTIONS, "version": 1, "dim": 2, "functions": [{"a": ["1", "0"], "c": "0"}, {"a": ["0", "1"], "c": "0"},
                                                                    {"a": ["0", "0"], "c": "0"}]},
        "x1, x2 and 0: polyrelu max-net builds max{x1, x2, 0}",
    )
    out = {}
    for name, (d, what) in objects.items():
        d["metadata"] = {"description": what, "generated_by": "scripts/make_examples.py"}
        out[name] = d
    return out


def certificates() -> dict[str, dict]:
    """Certificates of the pieces of the paper's Figure 1 functions (checked by polyrelu verify)."""
    from polyrelu.nets.network import ReluNetwork
    from polyrelu.nets.regions import network_regions

    ex = examples()
    return {name: network_certificate(network_regions(ReluNetwork.from_dict(ex[name]), workers=1))
            for name in ("figure1_left", "figure1_middle", "figure1_right")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the shipped files instead of writing")
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default: data/examples)")
    args = ap.parse_args()
    stale = []
    args.out.mkdir(parents=True, exist_ok=True)
    for name, obj in examples().items():
        path = args.out / f"{name}.json"
        text = formats.dumps(obj)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            formats.write_text_atomic(text, path)
    cert_dir = args.out.parent / "certificates"
    cert_dir.mkdir(parents=True, exist_ok=True)
    for name, cert in certificates().items():
        path = cert_dir / f"{name}.json"
        text = formats.dumps(cert)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            formats.write_text_atomic(text, path)
    if stale:
        print("out of date (run scripts/make_examples.py):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
