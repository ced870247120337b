'''Your own conjecture in a Python file: ``polyrelu conjecture --file my_conjecture.py``.

The file is an ordinary Python module; polyrelu runs it and reads these names
(``polyrelu conjecture --template`` prints this template):

'''

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

from ..errors import ConjectureSpecError
from .model import Conjecture

__all__ = ["TEMPLATE", "load_conjecture_file"]

TEMPLATE = '''"""My conjecture for polyrelu (run: polyrelu conjecture --file my_conjecture.py)."""

NAME = "two-layer-regions"
STATEMENT = "every 2x1 network on R^2 with weights in {-1, 0, 1} has at most 7 activation regions"
QUANTITY = "activation regions"

# The default search space (override with --space):
#   exhaustive:n=2;widths=2x1;weights=-1..1    every weight and bias from -1..1 (den=Q: denominators up to Q)
#   random:...;samples=500;seed=0               seeded uniform sample of the same space
#   hypothesis:...;examples=200;seed=0          property-based, shrinks a counterexample
SPACE = "random:n=2;widths=2x1;weights=-1..1;samples=300;seed=0"

# "network": candidates are networks (candidate.network, a polyrelu ReluNetwork).
# "first_layer": one hidden layer, and only its hyperplane arrangement matters;
#     candidate.hyperplanes lists the first layer as primitive integer rows (w_1..w_n, b).
OBJECTS = "network"

# What the quantity depends on (lets the search fix parts of the network soundly):
# "function" | "function_mod_constant" (output bias fixed to 0) | "hidden_layers" (output layer fixed)
DEPENDS_ON = "hidden_layers"

STOP_AT_FIRST = True   # stop at the first (smallest) counterexample; False sweeps everything


def measure(candidate):
    """The exact quantity (an int or a rational) of one candidate."""
    from polyrelu.nets.regions import network_regions
    return network_regions(candidate.network, workers=1).n_activation_regions


def holds(candidate, value):
    """True when the conjecture holds for this candidate."""
    return value <= 7


# Optional:
def bound(candidate):          # reported next to the extremes and the counterexample
    return 7


def group(candidate):          # extremes are reported per group
    return "x".join(map(str, candidate.widths))


def certify(network):          # a certificate `polyrelu verify` accepts (here: region counts)
    from polyrelu.conjecture import certify_regions
    return certify_regions(network)
'''

__doc__ += "\n.. code-block:: python\n\n" + "\n".join("    " + line for line in TEMPLATE.splitlines()) + "\n"


def load_conjecture_file(path: Any) -> Conjecture:
    """Load the conjecture defined in the Python file ``path`` (see :data:`TEMPLATE`)."""
    import hashlib

    p = Path(path).resolve()
    if not p.is_file():
        raise ConjectureSpecError(f"{path}: no such conjecture file (polyrelu conjecture --template prints a template)")
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    try:
        ns = runpy.run_path(str(p), run_name="polyrelu_user_conjecture")
    except ConjectureSpecError:
        raise
    except Exception as exc:
        raise ConjectureSpecError(f"{path}: running the file failed: {type(exc).__name__}: {exc}") from None
    missing = [k for k in ("NAME", "SPACE", "measure", "holds") if k not in ns]
    if missing:
        raise ConjectureSpecError(f"{path}: define {', '.join(missing)} (polyrelu conjecture --template prints a template)")
    for fn in ("measure", "holds", "bound", "group", "certify"):
        if fn in ns and not callable(ns[fn]):
            raise ConjectureSpecError(f"{path}: {fn} must be a function")
    objects = ns.get("OBJECTS", "network")
    if objects not in ("network", "first_layer"):
        raise ConjectureSpecError(f"{path}: OBJECTS is {objects!r}; use \"network\" or \"first_layer\"")
    depends = ns.get("DEPENDS_ON", "function")
    if depends not in ("function", "function_mod_constant", "hidden_layers"):
        raise ConjectureSpecError(f"{path}: DEPENDS_ON is {depends!r}; use function, function_mod_constant or hidden_layers")
    return Conjecture(
        name=str(ns["NAME"]),
        statement=str(ns.get("STATEMENT", ns["NAME"])),
        quantity=str(ns.get("QUANTITY", "value")),
        measure=ns["measure"],
        holds=ns["holds"],
        default_space=str(ns["SPACE"]),
        object_kind=objects,
        depends_on=depends,
        bound=ns.get("bound"),
        group=ns.get("group"),
        stop_at_first=bool(ns.get("STOP_AT_FIRST", True)),
        certify=ns.get("certify"),
        reference=str(p),
        source=("file", str(p), digest),  # the digest names this version of the file (caches, checkpoints)
    )
