"""Search spaces: exhaustive with symmetry reduction, random (seeded), property-based.

A space hands out *candidates* — networks, or for one-hidden-layer arrangement questions
just their first layer — in a deterministic order, cut into *shells* and *chunks*.  A
shell is (architecture, height h): the candidates whose largest weight height is exactly
h, shells ordered by (size, h), so the first shell holding a counterexample holds the
minimal one (fewest neurons, then smallest weights; see :func:`weight_height`).  Chunks
are independent slices of a shell: they are the unit of parallel work, of the checkpoint
journal and of the budget.  A chunk is regenerated from (space, shell, chunk) alone, so
workers receive three small values, never candidate lists.

Weight sets (``weights=LO..HI``, ``den=Q``): every rational p/q in [LO, HI] with
1 <= q <= Q, in lowest terms.  The *height* of p/q is max(|p|, q) and 0 for 0.

Symmetry reductions, and why each is sound
------------------------------------------
Soundness means: every raw candidate of the space has an enumerated representative with
the same value of the quantity, so "no counterexample among the representatives" implies
"none in the space", and maxima agree.

* **One hidden layer, quantities of the first layer's arrangement** (activation regions,
  the region graph; :class:`OneLayerSpace`).  The activation regions of x -> v . s(W x + b)
  are the regions of the arrangement of the hyperplanes {w_i . x + b_i = 0}, w_i != 0
  (neurons with w_i = 0 are constant and cut nothing).  Permuting neurons permutes the
  hyperplanes; scaling a row (w_i, b_i) by any c > 0 (*positive scaling*) or by -1 (*sign
  flip*, which swaps the neuron's active and inactive sides) leaves its hyperplane
  unchanged.  So the quantity is a function of the multiset of hyperplane *classes*
  (primitive integer rows up to sign), and the output layer is irrelevant.  The space
  enumerates multisets of classes; each stands for exactly
  w! / prod m_c! * prod N_c^(m_c) raw first layers (m_c its multiplicity of class c, N_c
  the raw rows in class c), and the tests check that these orbit sizes add up to
  |weights|^(w(n+1)).
* **Deeper networks** (:class:`NetworkSpace`).  Permuting the neurons of a hidden layer
  (its rows and biases, and the matching columns of the next layer) gives the same
  function and the same activation regions up to relabelling.  Sorting the rows of layer
  1, carrying the permutation into the columns of layer 2, then sorting layer 2, and so
  on, maps every raw network to one whose every layer has non-decreasing rows: the space
  enumerates exactly those.  Also, when the quantity ignores it (``depends_on``), the
  output bias is fixed to 0 (adding a constant changes neither pieces, linear or
  activation regions) and, for activation regions, the output layer is fixed to ones.
  Positive scaling is not applied to deep networks (the weight box is not closed under
  it) and sign flips are not symmetries there (s(-z) = s(z) - z adds a term the next layer
  cannot absorb).

>>> s = OneLayerSpace(n=2, widths=[2], weights=(-1, 1))
>>> s.describe()["raw_candidates"], s.describe()["representatives"]   # 27^2 ordered layers, 13 classes
(729, 91)
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from math import comb, factorial
from typing import Any, Iterator, Sequence

from gmpy2 import mpq

from ..errors import ConjectureSpecError
from ..exact.linalg import integer_row
from ..exact.rational import as_rational, to_str
from ..nets.network import ReluNetwork
from .counting import primitive_class

__all__ = ["weight_height", "weight_values", "Candidate", "OneLayerSpace", "NetworkSpace", "RandomSpace",
           "HypothesisSpace", "ZonotopeFamilySpace", "RawView", "parse_space", "space_from_spec"]


def weight_height(v) -> int:
    """max(|p|, q) for p/q != 0, and 0 for 0 (the 'size' of a weight)."""
    v = mpq(v)
    return 0 if v == 0 else max(abs(int(v.numerator)), int(v.denominator))


def weight_values(lo, hi, den: int = 1) -> tuple:
    """Every rational p/q in [lo, hi] with q <= den, sorted by height, positive first."""
    lo, hi = as_rational(lo, field="weights LO"), as_rational(hi, field="weights HI")
    if not lo <= hi:
        raise ConjectureSpecError(f"weights={to_str(lo)}..{to_str(hi)}: LO must be at most HI")
    if isinstance(den, bool) or not isinstance(den, int) or den < 1:
        raise ConjectureSpecError(f"den={den!r}: the largest denominator must be a positive integer")
    vals = set()
    for q in range(1, den + 1):
        p0 = int((lo * q).numerator // (lo * q).denominator) - 1
        for p in range(p0, int(hi * q) + 2):
            v = mpq(p, q)
            if lo <= v <= hi:
                vals.add(v)
    return tuple(sorted(vals, key=lambda v: (weight_height(v), v < 0, abs(v))))


def _row_key(row) -> tuple:
    hs = [weight_height(v) for v in row]
    # ties: smaller heights first position by position, positive before negative
    return (max(hs, default=0), sum(1 for v in row if v != 0), sum(hs), tuple((h, v < 0) for h, v in zip(hs, row)), tuple(row))


class Candidate:
    """One candidate: an encoding its space decodes, and the number of raw candidates of
    the space it stands for (None when the reduction does not count orbits)."""

    __slots__ = ("space", "enc", "multiplicity", "_net")

    def __init__(self, space, enc, multiplicity):
        self.space, self.enc, self.multiplicity, self._net = space, enc, multiplicity, None

    @property
    def network(self) -> ReluNetwork:
        """The representative network (smallest weights of its class)."""
        if self._net is None:
            self._net = self.space.decode(self.enc)
        return self._net

    @property
    def n(self) -> int:
        """The input dimension."""
        return self.space.n

    @property
    def widths(self) -> tuple[int, ...]:
        """The hidden widths of the candidate's architecture."""
        enc = self.enc
        if isinstance(self.space, ZonotopeFamilySpace):
            raise ConjectureSpecError("a zonotope-family candidate has no architecture of its own")
        if isinstance(getattr(self.space, "base", self.space), OneLayerSpace):
            return (len(enc),)
        return tuple(enc[0])

    @property
    def hyperplanes(self) -> list[tuple[int, ...]]:
        """The first layer's hyperplanes: distinct primitive integer rows (w_1..w_n, b) of
        its non-constant neurons, sorted (ready for :func:`~.counting.whitney_counts`)."""
        return self.space.hyperplanes(self.enc)

    @property
    def key(self) -> tuple:
        """Minimality key: (hidden neurons, largest weight height, nonzero weights, sum of
        heights, encoding); smaller is smaller."""
        return self.space.key(self.enc)


@dataclass(frozen=True)
class Shell:
    label: dict
    length: int  # length of the unfiltered sequence the chunks slice
    n_chunks: int
    level: tuple = ()  # (hidden neurons, height): every candidate of the shell starts its key with it


# ------------------------------------------------------------------ one hidden layer
class OneLayerSpace:
    """First layers of one-hidden-layer networks R^n -> R, widths ``widths``, weights and
    biases from a weight set, reduced by neuron permutations, positive scaling and sign
    flips (see the module docstring).  ``reduce=False`` enumerates raw ordered layers."""

    kind = "exhaustive"
    object_kind = "first_layer"

    def __init__(self, *, n: int, widths: Sequence[int], weights=(-1, 1), den: int = 1, reduce: bool = True, chunk: int = 4000):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ConjectureSpecError(f"n={n!r}: the input dimension must be a positive integer")
        if not widths or any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in widths):
            raise ConjectureSpecError(f"widths={list(widths)!r}: give positive integer widths")
        self.n, self.widths, self.den, self.reduce, self.chunk = n, tuple(sorted(set(widths))), den, reduce, chunk
        self.weights = (as_rational(weights[0]), as_rational(weights[1]))
        self.values = weight_values(*self.weights, den)
        raw_rows = list(itertools.product(self.values, repeat=n + 1))
        classes: dict = {}
        for r in raw_rows:
            c = primitive_class(integer_row(r))
            entry = classes.setdefault(c, [0, None])
            entry[0] += 1
            if entry[1] is None or _row_key(r) < _row_key(entry[1]):
                entry[1] = r
        order = sorted(classes, key=lambda c: _row_key(classes[c][1]))
        self._class_rows = [c for c in order]            # None = the constant neurons
        self._rep = [classes[c][1] for c in order]          # smallest raw row of each class
        self._count = [classes[c][0] for c in order]        # raw rows in each class
        self._height = [_row_key(r)[0] for r in self._rep]
        self._raw_rows = sorted(raw_rows, key=_row_key)
        self._raw_height = [_row_key(r)[0] for r in self._raw_rows]
        self._raw_class = [order.index(primitive_class(integer_row(r))) for r in self._raw_rows]
        self._heights = sorted(set(self._height))
        self._rep_key = [_row_key(r)[:3] for r in self._rep]
        self._raw_key = [_row_key(r)[:3] for r in self._raw_rows]

    # -- structure
    def shells(self) -> list[Shell]:
        out = []
        pool_heights = self._height if self.reduce else self._raw_height
        for w in self.widths:
            for h in self._heights:
                m = sum(1 for x in pool_heights if x <= h)
                length = comb(m + w - 1, w) if self.reduce else m**w
                out.append(Shell({"width": w, "height": h}, length, max(1, -(-length // self.chunk)), (w, h)))
        return out

    def chunk_candidates(self, shell_index: int, chunk_index: int) -> Iterator[Candidate]:
        sh = self.shells()[shell_index]
        w, h = sh.label["width"], sh.label["height"]
        heights = self._height if self.reduce else self._raw_height
        pool = [i for i, x in enumerate(heights) if x <= h]
        seq = itertools.combinations_with_replacement(pool, w) if self.reduce else itertools.product(pool, repeat=w)
        lo = chunk_index * self.chunk
        for combo in itertools.islice(seq, lo, lo + self.chunk):
            if max(heights[i] for i in combo) != h:
                continue
            yield Candidate(self, combo, self._multiplicity(combo) if self.reduce else 1)

    def _multiplicity(self, combo) -> int:
        mult = factorial(len(combo))
        for c, m in _counts(combo).items():
            mult = mult // factorial(m) * self._count[c] ** m
        return mult

    # -- decoding
    def _rows(self, enc):
        return [self._rep[i] for i in enc] if self.reduce else [self._raw_rows[i] for i in enc]

    def decode(self, enc) -> ReluNetwork:
        rows = self._rows(enc)
        return ReluNetwork(self.n, [([r[:-1] for r in rows], [r[-1] for r in rows]), ([[1] * len(rows)], [0])])

    def hyperplanes(self, enc) -> list[tuple[int, ...]]:
        """The distinct primitive rows of the non-constant neurons, sorted."""
        cls = enc if self.reduce else [self._raw_class[i] for i in enc]
        return sorted({self._class_rows[i] for i in cls} - {None})

    def key(self, enc) -> tuple:
        table = self._rep_key if self.reduce else self._raw_key
        ks = [table[i] for i in enc]
        return (len(enc), max(k[0] for k in ks), sum(k[1] for k in ks), sum(k[2] for k in ks), tuple(sorted(enc)))

    def describe(self) -> dict[str, Any]:
        raw = sum(len(self.values) ** ((self.n + 1) * w) for w in self.widths)
        top = [sh for sh in self.shells() if sh.label["height"] == self._heights[-1]]
        reps = sum(sh.length for sh in top)  # the top shell's sequence holds every candidate once
        return {
            "kind": "exhaustive",
            "objects": "first layers of one-hidden-layer networks R^%d -> R (the output layer does not affect the quantity)" % self.n,
            "n": self.n,
            "widths": list(self.widths),
            "weights": f"{to_str(self.weights[0])}..{to_str(self.weights[1])}",
            "den": self.den,
            "weight_values": len(self.values),
            "raw_candidates": raw,
            "representatives": reps,
            "removed_by_symmetry": raw - reps,
            "symmetries": ["neuron permutations", "positive scaling", "sign flips"] if self.reduce else [],
            "hyperplane_classes": sum(1 for c in self._class_rows if c is not None),
        }

    def spec(self) -> dict[str, Any]:
        return {"space": "exhaustive", "objects": "first_layer", "n": self.n, "widths": list(self.widths),
                "weights": [to_str(v) for v in self.weights], "den": self.den, "reduce": self.reduce, "chunk": self.chunk}


def _counts(combo) -> dict:
    out: dict = {}
    for c in combo:
        out[c] = out.get(c, 0) + 1
    return out


# ------------------------------------------------------------------ general networks
class NetworkSpace:
    """Networks R^n -> R with hidden widths from ``architectures`` (tuples) and every
    weight and bias from a weight set; rows of each hidden layer sorted (neuron
    permutations).  ``depends_on`` says what the quantity depends on:

    * ``"function"``: everything is enumerated (output weights and bias too);
    * ``"function_mod_constant"``: the output bias is fixed to 0;
    * ``"hidden_layers"``: the output layer is fixed to ones and bias 0.
    """

    kind = "exhaustive"
    object_kind = "network"

    def __init__(self, *, n: int, architectures: Sequence[Sequence[int]], weights=(-1, 1), den: int = 1,
                 depends_on: str = "function_mod_constant", reduce: bool = True, chunk: int = 300):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ConjectureSpecError(f"n={n!r}: the input dimension must be a positive integer")
        archs = []
        for a in architectures:
            a = tuple(a)
            if not a or any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in a):
                raise ConjectureSpecError(f"architecture {a!r}: give positive integer hidden widths such as 2x1")
            archs.append(a)
        if depends_on not in ("function", "function_mod_constant", "hidden_layers"):
            raise ConjectureSpecError(f"depends_on={depends_on!r}: expected function, function_mod_constant or hidden_layers")
        self.n, self.den, self.depends_on, self.reduce, self.chunk = n, den, depends_on, reduce, chunk
        self.architectures = tuple(sorted(set(archs), key=lambda a: (sum(a), len(a), a)))
        self.weights = (as_rational(weights[0]), as_rational(weights[1]))
        self.values = weight_values(*self.weights, den)
        self._vh = [weight_height(v) for v in self.values]
        self._heights = sorted(set(self._vh))

    def _layer_sizes(self, arch):
        dims = (self.n,) + arch
        out = [(dims[i] + 1, dims[i + 1]) for i in range(len(arch))]  # (row length, rows)
        return out

    def _out_len(self, arch) -> int:
        return {"function": arch[-1] + 1, "function_mod_constant": arch[-1], "hidden_layers": 0}[self.depends_on]

    def _iterables(self, arch, h):
        vals = [i for i, x in enumerate(self._vh) if x <= h]
        its = []
        for length, rows in self._layer_sizes(arch):
            row_space = list(itertools.product(vals, repeat=length))
            its.append(list(itertools.combinations_with_replacement(row_space, rows)) if self.reduce
                       else list(itertools.product(row_space, repeat=rows)))
        ol = self._out_len(arch)
        its.append(list(itertools.product(vals, repeat=ol)) if ol else [()])
        return its

    def _length(self, arch, h) -> int:
        m = sum(1 for x in self._vh if x <= h)
        total = 1
        for length, rows in self._layer_sizes(arch):
            r = m**length
            total *= comb(r + rows - 1, rows) if self.reduce else r**rows
        return total * m ** self._out_len(arch)

    def shells(self) -> list[Shell]:
        shells = [Shell({"widths": list(a), "height": h}, self._length(a, h), max(1, -(-self._length(a, h) // self.chunk)), (sum(a), h))
                  for a in self.architectures for h in self._heights]
        return sorted(shells, key=lambda sh: (sh.level, self.architectures.index(tuple(sh.label["widths"]))))

    def chunk_candidates(self, shell_index: int, chunk_index: int) -> Iterator[Candidate]:
        sh = self.shells()[shell_index]
        arch, h = tuple(sh.label["widths"]), sh.label["height"]
        lo = chunk_index * self.chunk
        for enc in itertools.islice(itertools.product(*self._iterables(arch, h)), lo, lo + self.chunk):
            if max((self._vh[i] for part in enc for row in part for i in (row if isinstance(row, tuple) else (row,))), default=0) != h:
                continue
            yield Candidate(self, (arch, enc), None)

    def decode(self, enc) -> ReluNetwork:
        arch, parts = enc
        V = self.values
        layers = []
        for rows in parts[:-1]:
            layers.append(([[V[i] for i in r[:-1]] for r in rows], [V[r[-1]] for r in rows]))
        out = parts[-1]
        if self.depends_on == "hidden_layers":
            layers.append(([[1] * arch[-1]], [0]))
        elif self.depends_on == "function_mod_constant":
            layers.append(([[V[i] for i in out]], [0]))
        else:
            layers.append(([[V[i] for i in out[:-1]]], [V[out[-1]]]))
        return ReluNetwork(self.n, layers)

    def hyperplanes(self, enc):
        raise ConjectureSpecError("this conjecture needs the first layer of a one-hidden-layer network; use an exhaustive one-layer space")

    def key(self, enc) -> tuple:
        arch, parts = enc
        flat = [self.values[i] for part in parts for row in part for i in (row if isinstance(row, tuple) else (row,))]
        hs = [weight_height(v) for v in flat]
        return (sum(arch), max(hs, default=0), sum(1 for v in flat if v != 0), sum(hs), (arch, parts))

    def describe(self) -> dict[str, Any]:
        raw = 0
        for a in self.architectures:
            m = len(self.values)
            raw += m ** (sum(l * r for l, r in self._layer_sizes(a)) + self._out_len(a))
        reps = sum(self._length(a, self._heights[-1]) for a in self.architectures)
        fixed = {"function": "nothing fixed", "function_mod_constant": "output bias fixed to 0 (the quantity ignores constants)",
                 "hidden_layers": "output layer fixed to ones, bias 0 (the quantity ignores the output layer)"}[self.depends_on]
        return {
            "kind": "exhaustive",
            "objects": f"networks R^{self.n} -> R; {fixed}",
            "n": self.n,
            "architectures": ["x".join(map(str, a)) for a in self.architectures],
            "weights": f"{to_str(self.weights[0])}..{to_str(self.weights[1])}",
            "den": self.den,
            "weight_values": len(self.values),
            "raw_candidates": raw,
            "representatives": reps,
            "removed_by_symmetry": raw - reps,
            "symmetries": ["neuron permutations (rows of every hidden layer sorted)"] if self.reduce else [],
        }

    def spec(self) -> dict[str, Any]:
        return {"space": "exhaustive", "objects": "network", "n": self.n, "architectures": [list(a) for a in self.architectures],
                "weights": [to_str(v) for v in self.weights], "den": self.den, "depends_on": self.depends_on,
                "reduce": self.reduce, "chunk": self.chunk}


# ------------------------------------------------------------------ zonotope family
class ZonotopeFamilySpace:
    """Members H o g_Z of the family ZONOTOPE^n_{k,w,m} (docs/mathematics.md §5): generators
    b^1..b^m with integer entries in ``weights``, zig-zags with equally spaced breakpoints
    a = (1/w, ..., (w-1)/w), M = 1, k layers.  Generators with rank < n are left out (the
    family's zonotope must be full-dimensional).

    Reductions: Z(b^1..b^m) is a Minkowski sum, so permuting the generators and replacing
    b^i by -b^i (the segment [-b, b] is symmetric) give the same zonotope, hence the same
    network function H o g_Z; generators are enumerated as sorted multisets of nonzero
    vectors up to sign."""

    kind = "exhaustive"
    object_kind = "zonotope_family"

    def __init__(self, *, n: int = 2, ms: Sequence[int] = (2,), w: int = 2, k: int = 1, weights=(-1, 1), chunk: int = 200):
        if isinstance(n, bool) or not isinstance(n, int) or n < 2:
            raise ConjectureSpecError(f"n={n!r}: the zonotope family needs n >= 2")
        if isinstance(w, bool) or not isinstance(w, int) or w < 2 or isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ConjectureSpecError(f"w={w!r}, k={k!r}: the family needs zig-zag width w >= 2 and k >= 1 layers")
        self.n, self.ms, self.w, self.k, self.chunk = n, tuple(sorted(set(ms))), w, k, chunk
        self.weights = (as_rational(weights[0]), as_rational(weights[1]))
        lo, hi = int(self.weights[0]), int(self.weights[1])
        vecs = set()
        for v in itertools.product(range(lo, hi + 1), repeat=n):
            if any(v):
                first = next(x for x in v if x)
                vecs.add(v if first > 0 else tuple(-x for x in v))  # up to sign
        self._vecs = sorted(vecs, key=_row_key)
        self._vh = [_row_key(v)[0] for v in self._vecs]
        self._heights = sorted(set(self._vh))
        self.breakpoints = [[mpq(i, w) for i in range(1, w)]] * k

    def shells(self) -> list[Shell]:
        out = []
        for m in self.ms:
            for h in self._heights:
                pool = sum(1 for x in self._vh if x <= h)
                length = comb(pool + m - 1, m)
                out.append(Shell({"generators": m, "height": h}, length, max(1, -(-length // self.chunk)), (m, h)))
        return out

    def chunk_candidates(self, shell_index: int, chunk_index: int) -> Iterator[Candidate]:
        from ..exact.linalg import rank

        sh = self.shells()[shell_index]
        m, h = sh.label["generators"], sh.label["height"]
        pool = [i for i, x in enumerate(self._vh) if x <= h]
        lo = chunk_index * self.chunk
        for combo in itertools.islice(itertools.combinations_with_replacement(pool, m), lo, lo + self.chunk):
            if max(self._vh[i] for i in combo) != h or rank([tuple(mpq(x) for x in self._vecs[i]) for i in combo]) < self.n:
                continue
            yield Candidate(self, combo, None)

    def generators(self, enc) -> list[tuple[int, ...]]:
        return [self._vecs[i] for i in enc]

    def decode(self, enc) -> ReluNetwork:
        import warnings

        from ..paper.constructions.zonotope_family import zonotope_family

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return zonotope_family(self.breakpoints, self.generators(enc), 1)

    def hyperplanes(self, enc):
        raise ConjectureSpecError("a zonotope-family space has no first-layer view")

    def key(self, enc) -> tuple:
        ks = [_row_key(self._vecs[i]) for i in enc]
        return (len(enc), max(x[0] for x in ks), sum(x[1] for x in ks), sum(x[2] for x in ks), tuple(sorted(enc)))

    def describe(self) -> dict[str, Any]:
        lo, hi = int(self.weights[0]), int(self.weights[1])
        raw = sum(((hi - lo + 1) ** self.n - 1) ** m for m in self.ms)
        reps = sum(comb(len(self._vecs) + m - 1, m) for m in self.ms)
        return {"kind": "exhaustive", "objects": f"ZONOTOPE^{self.n}_(k={self.k},w={self.w},m) members, a^i = (1/w..(w-1)/w), M = 1",
                "n": self.n, "generators": list(self.ms), "w": self.w, "k": self.k,
                "weights": f"{to_str(self.weights[0])}..{to_str(self.weights[1])}", "raw_candidates": raw,
                "representatives": reps, "removed_by_symmetry": raw - reps,
                "symmetries": ["generator permutations", "generator sign flips"],
                "note": "representatives of rank < n are skipped (not family members)"}

    def spec(self) -> dict[str, Any]:
        return {"space": "exhaustive", "objects": "zonotope_family", "n": self.n, "ms": list(self.ms), "w": self.w, "k": self.k,
                "weights": [to_str(v) for v in self.weights], "chunk": self.chunk}


# ------------------------------------------------------------------ random
class RandomSpace:
    """``samples`` raw candidates of ``base`` drawn uniformly (architecture, then every
    weight independently), seeded: chunk i uses its own generator seeded by (seed, i), so
    the sample does not depend on how chunks are scheduled.  One shell."""

    kind = "random"

    def __init__(self, base, *, samples: int = 1000, seed: int = 0, chunk: int = 200):
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
            raise ConjectureSpecError(f"samples={samples!r}: give a positive number of samples")
        self.base, self.samples, self.seed, self.chunk = base, samples, seed, chunk
        self.object_kind = base.object_kind

    def shells(self) -> list[Shell]:
        return [Shell({"samples": self.samples, "seed": self.seed}, self.samples, max(1, -(-self.samples // self.chunk)), (0, 0))]

    def _draw(self, rng):
        b = self.base
        if isinstance(b, OneLayerSpace):
            w = rng.choice(b.widths)
            return tuple(rng.randrange(len(b._raw_rows)) for _ in range(w))
        arch = rng.choice(b.architectures)
        nv = len(b.values)
        parts = []
        for length, rows in b._layer_sizes(arch):
            parts.append(tuple(tuple(rng.randrange(nv) for _ in range(length)) for _ in range(rows)))
        parts.append(tuple(rng.randrange(nv) for _ in range(b._out_len(arch))))
        return (arch, tuple(parts))

    def chunk_candidates(self, shell_index: int, chunk_index: int) -> Iterator[Candidate]:
        rng = random.Random(f"polyrelu-conjecture:{self.seed}:{chunk_index}")
        raw = RawView(self.base)
        lo = chunk_index * self.chunk
        for _ in range(lo, min(self.samples, lo + self.chunk)):
            yield Candidate(raw, self._draw(rng), 1)

    def describe(self) -> dict[str, Any]:
        d = dict(self.base.describe())
        for k in ("representatives", "removed_by_symmetry", "symmetries"):
            d.pop(k, None)
        d.update({"kind": "random", "samples": self.samples, "seed": self.seed})
        return d

    def spec(self) -> dict[str, Any]:
        return {**self.base.spec(), "space": "random", "samples": self.samples, "seed": self.seed, "chunk": self.chunk}


class RawView:
    """Decodes raw (unreduced) encodings of a base space: the candidates of random and
    property-based searches, which are drawn from the raw space, not from representatives."""

    def __init__(self, base):
        self.base = base
        self.n = base.n

    def decode(self, enc):
        b = self.base
        if isinstance(b, OneLayerSpace):
            rows = [b._raw_rows[i] for i in enc]
            return ReluNetwork(b.n, [([r[:-1] for r in rows], [r[-1] for r in rows]), ([[1] * len(rows)], [0])])
        return b.decode(enc)  # a network space decodes raw and reduced encodings alike

    def hyperplanes(self, enc):
        b = self.base
        if not isinstance(b, OneLayerSpace):
            return b.hyperplanes(enc)
        return sorted({b._class_rows[b._raw_class[i]] for i in enc} - {None})

    def key(self, enc):
        b = self.base
        if isinstance(b, OneLayerSpace):
            ks = [b._raw_key[i] for i in enc]
            return (len(enc), max(k[0] for k in ks), sum(k[1] for k in ks), sum(k[2] for k in ks), tuple(sorted(enc)))
        arch, parts = enc
        flat = [b.values[i] for part in parts for row in part for i in (row if isinstance(row, tuple) else (row,))]
        hs = [weight_height(v) for v in flat]
        return (sum(arch), max(hs, default=0), sum(1 for v in flat if v != 0), sum(hs), enc)


# ------------------------------------------------------------------ property-based
class HypothesisSpace:
    """Property-based search with Hypothesis: random examples of ``base``'s raw space,
    then *shrinking* of a counterexample toward fewer neurons and smaller weights
    (architectures are drawn smallest-first and weights from the weight list sorted by
    height, which is the order Hypothesis shrinks toward).  Serial; not a proof of absence
    (the report says how many examples were tried).  Needs the ``hypothesis`` package."""

    kind = "hypothesis"

    def __init__(self, base, *, examples: int = 200, seed: int = 0):
        self.base, self.examples, self.seed = base, examples, seed
        self.object_kind = base.object_kind

    def describe(self) -> dict[str, Any]:
        d = dict(self.base.describe())
        for k in ("representatives", "removed_by_symmetry", "symmetries"):
            d.pop(k, None)
        d.update({"kind": "hypothesis", "examples": self.examples, "seed": self.seed})
        return d

    def spec(self) -> dict[str, Any]:
        return {**self.base.spec(), "space": "hypothesis", "examples": self.examples, "seed": self.seed}

    def strategy(self):
        try:
            from hypothesis import strategies as st
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ConjectureSpecError("the hypothesis space needs the hypothesis package: pip install hypothesis") from exc
        b = self.base
        if isinstance(b, OneLayerSpace):
            rows = st.integers(0, len(b._raw_rows) - 1)
            return st.sampled_from(b.widths).flatmap(lambda w: st.tuples(*[rows] * w))
        vals = st.integers(0, len(b.values) - 1)

        def for_arch(arch):
            parts = [st.tuples(*[st.tuples(*[vals] * length)] * rows) for length, rows in b._layer_sizes(arch)]
            parts.append(st.tuples(*[vals] * b._out_len(arch)))
            return st.tuples(st.just(arch), st.tuples(*parts))

        return st.sampled_from(b.architectures).flatmap(for_arch)


# ------------------------------------------------------------------ parsing
def _parse_widths(text: str, *, one_layer: bool):
    archs: list[tuple[int, ...]] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if ".." in part and "x" not in part:
                lo, hi = (int(v) for v in part.split(".."))
                archs += [(w,) for w in range(lo, hi + 1)]
            else:
                archs.append(tuple(int(v) for v in part.split("x")))
        except ValueError:
            raise ConjectureSpecError(f"widths={text!r}: expected hidden widths such as 4, 1..3 or 2x1,1x2 (x between layers)") from None
    if not archs or any(w < 1 for a in archs for w in a):
        raise ConjectureSpecError(f"widths={text!r}: expected positive hidden widths such as 4, 1..3 or 2x1,1x2")
    if one_layer and any(len(a) != 1 for a in archs):
        raise ConjectureSpecError(f"widths={text!r}: this conjecture is about one hidden layer; give single widths such as 2 or 1..3")
    return archs


def parse_space(text: str | None, *, default: str, object_kind: str, depends_on: str = "function_mod_constant"):
    """Build a space from ``KIND:key=value;key=value`` (KIND: exhaustive, random,
    hypothesis; a string of only ``key=value`` pairs keeps the default kind).  Keys: n,
    widths (``4``, ``1..3``, ``2x1,1x2``), weights (``LO..HI``), den, reduce (yes/no),
    chunk; random: samples, seed; hypothesis: examples, seed; zonotope family: m
    (generator counts), w, k.  Keys not given come from ``default`` (the conjecture's
    default space).

    >>> parse_space("widths=2;weights=-2..2", default="exhaustive:n=2;widths=1;weights=-1..1", object_kind="first_layer").describe()["raw_candidates"]
    15625
    """
    def split(spec: str):
        if ":" not in spec and "=" in spec:  # only key=value overrides: keep the default kind
            spec = ":" + spec
        kind, _, rest = spec.partition(":")
        kv = {}
        for item in rest.split(";"):
            item = item.strip()
            if not item:
                continue
            if "=" not in item:
                raise ConjectureSpecError(f"space {spec!r}: {item!r} is not key=value")
            k, v = item.split("=", 1)
            kv[k.strip()] = v.strip()
        return kind.strip(), kv

    dkind, dkv = split(default)
    kind, kv = split(text) if text else (dkind, {})
    if not kind:
        kind = dkind
    if kind not in ("exhaustive", "random", "hypothesis"):
        raise ConjectureSpecError(f"space kind {kind!r}: expected exhaustive, random or hypothesis (e.g. exhaustive:n=2;widths=3;weights=-1..1)")
    merged = {**dkv, **kv}
    known = {"n", "widths", "weights", "den", "reduce", "chunk", "samples", "seed", "examples", "m", "w", "k"}
    unknown = set(merged) - known
    if unknown:
        raise ConjectureSpecError(f"space keys {sorted(unknown)} are unknown; known keys: {', '.join(sorted(known))}")

    def integer(key, default=None):
        if key not in merged:
            return default
        try:
            return int(merged[key])
        except ValueError:
            raise ConjectureSpecError(f"space key {key}={merged[key]!r}: expected an integer") from None

    wtext = merged.get("weights", "-1..1")
    if ".." not in wtext:
        raise ConjectureSpecError(f"weights={wtext!r}: expected LO..HI such as -2..2 (with den=Q for denominators up to Q)")
    lo, hi = wtext.split("..", 1)
    from ..errors import PolyReluError

    try:
        weights = (as_rational(lo.strip(), field="weights LO"), as_rational(hi.strip(), field="weights HI"))
    except PolyReluError as exc:
        raise ConjectureSpecError(str(exc)) from None
    reduce = merged.get("reduce", "yes").lower() not in ("no", "false", "0")
    n = integer("n", 1)
    if object_kind == "zonotope_family":
        if kind != "exhaustive":
            raise ConjectureSpecError("the zonotope-family conjectures support only the exhaustive space")
        ms = [a[0] for a in _parse_widths(merged.get("m", "2"), one_layer=True)]
        return ZonotopeFamilySpace(n=n, ms=ms, w=integer("w", 2), k=integer("k", 1), weights=weights, chunk=integer("chunk", 200))
    archs = _parse_widths(merged.get("widths", "2"), one_layer=object_kind == "first_layer")
    den = integer("den", 1)
    base: OneLayerSpace | NetworkSpace
    if object_kind == "first_layer":
        base = OneLayerSpace(n=n, widths=[a[0] for a in archs], weights=weights, den=den, reduce=reduce, chunk=integer("chunk", 4000))
    else:
        base = NetworkSpace(n=n, architectures=archs, weights=weights, den=den, depends_on=depends_on, reduce=reduce,
                            chunk=integer("chunk", 300))
    if kind == "random":
        return RandomSpace(base, samples=integer("samples", 1000), seed=integer("seed", 0))
    if kind == "hypothesis":
        return HypothesisSpace(base, examples=integer("examples", 200), seed=integer("seed", 0))
    return base


def space_from_spec(spec: dict[str, Any]):
    """Rebuild a space from :meth:`spec` (how workers and checkpoints name a space)."""
    s = dict(spec)
    kind = s.pop("space")
    objects = s.pop("objects")
    weights = tuple(s.pop("weights"))
    samples, seed, examples = s.pop("samples", None), s.pop("seed", None), s.pop("examples", None)
    if kind == "random":
        chunk = s.pop("chunk", 200)
    else:
        chunk = None
    if objects == "zonotope_family":
        return ZonotopeFamilySpace(n=s["n"], ms=s["ms"], w=s["w"], k=s["k"], weights=weights, chunk=s["chunk"])
    base: OneLayerSpace | NetworkSpace
    if objects == "first_layer":
        base = OneLayerSpace(n=s["n"], widths=s["widths"], weights=weights, den=s["den"], reduce=s["reduce"],
                             **({"chunk": s["chunk"]} if "chunk" in s and kind != "random" else {}))
    else:
        base = NetworkSpace(n=s["n"], architectures=s["architectures"], weights=weights, den=s["den"],
                            depends_on=s["depends_on"], reduce=s["reduce"],
                            **({"chunk": s["chunk"]} if "chunk" in s and kind != "random" else {}))
    if kind == "random":
        return RandomSpace(base, samples=samples, seed=seed, chunk=chunk)
    if kind == "hypothesis":
        return HypothesisSpace(base, examples=examples, seed=seed)
    return base
