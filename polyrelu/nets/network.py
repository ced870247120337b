"""Exact ReLU networks R^n -> R^m.

A :class:`ReluNetwork` is a list of affine layers ``T_1, ..., T_{k+1}``; every layer but
the last is followed by ReLU, so ``f = T_{k+1} o s o T_k o ... o s o T_1`` with
``s(x) = max(0, x)``.  Sizes are counted as in the paper (docs/mathematics.md §1):

* ``depth`` = k + 1, the number of affine maps;
* ``width`` = the largest hidden width (0 for an affine map);
* ``size``  = the number of hidden neurons.

The paper's output layer has no bias; polyrelu allows one and reports it
(:attr:`ReluNetwork.has_output_bias`).

>>> absolute = ReluNetwork(1, [([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
>>> absolute.evaluate(["-3/2"])
(mpq(3,2),)
>>> absolute.depth, absolute.width, absolute.size, absolute.has_output_bias
(2, 2, 2, False)
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from gmpy2 import mpq

from ..io import formats
from ..exact.affine import AffineMap, matvec
from ..errors import FileFormatError, InvalidParameterError, ShapeError
from ..exact.rational import Rational, as_matrix, as_rational, as_vector, to_str

__all__ = ["Layer", "ReluNetwork", "FORMAT"]

FORMAT = "polyrelu.network"
_ZERO = mpq(0)
_ONE = mpq(1)


@dataclass(frozen=True)
class Layer:
    """One affine layer: ``weights`` has one row per output neuron (at least one), one
    entry per input; entries are converted with :func:`~polyrelu.exact.rational.as_rational`."""

    weights: tuple[tuple[Rational, ...], ...]
    biases: tuple[Rational, ...]

    def __post_init__(self) -> None:
        w = as_matrix(self.weights, field="weights")
        if not w or not w[0]:
            raise ShapeError("a layer needs at least one neuron and one input")
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "biases", as_vector(self.biases, field="biases", length=len(w)))

    @property
    def n_out(self) -> int:
        return len(self.biases)

    @property
    def n_in(self) -> int:
        return len(self.weights[0])

    def apply(self, x: Sequence[Rational]) -> tuple[Rational, ...]:
        return tuple(v + b for v, b in zip(matvec(self.weights, x), self.biases))

    def as_affine(self) -> AffineMap:
        return AffineMap(self.weights, self.biases, self.n_in)


def _expect_network(obj: Any, name: str) -> None:
    if not isinstance(obj, ReluNetwork):
        raise InvalidParameterError(f"{name} must be a ReluNetwork, got {type(obj).__name__}")


def _bit(p: Any, field: str) -> int:
    """0 or 1 given as an integer (numpy integers too; bools, floats and strings refused)."""
    if not isinstance(p, bool) and hasattr(p, "__index__") and operator.index(p) in (0, 1):
        return operator.index(p)
    raise InvalidParameterError(f"{field} is {p!r}; an activation pattern holds 0 (inactive) or 1 (active)")


def _relu(z: Iterable[Rational]) -> tuple[Rational, ...]:
    return tuple(v if v > 0 else _ZERO for v in z)


class ReluNetwork:
    """An exact ReLU network; immutable.

    Parameters
    ----------
    input_dim : int
        n, the dimension of the input space (at least 1).
    layers : sequence of (weights, biases)
        ``weights`` is a list of rows (one per neuron of the layer, each with one entry
        per neuron of the previous layer), ``biases`` one entry per neuron.  Entries are
        exact numbers accepted by :func:`polyrelu.rational.as_rational`.  Every layer
        but the last is followed by ReLU.
    """

    __slots__ = ("_input_dim", "_layers", "_hash")

    def __init__(self, input_dim: int, layers: Sequence[Any]):
        if isinstance(input_dim, bool) or not isinstance(input_dim, int) or input_dim < 1:
            raise ShapeError(f"input_dim is {input_dim!r}; it must be a positive integer")
        if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
            raise ShapeError(f"layers must be a list of (weights, biases) pairs, got {type(layers).__name__}")
        if len(layers) == 0:
            raise ShapeError("layers is empty; a network needs at least its output layer")
        built: list[Layer] = []
        prev = input_dim
        for i, layer in enumerate(layers):
            if isinstance(layer, Layer):
                w, b = layer.weights, layer.biases
            elif isinstance(layer, dict):
                if "weights" not in layer or "biases" not in layer:
                    raise ShapeError(f"layers[{i}] must have \"weights\" and \"biases\"")
                extra = sorted(str(k) for k in layer if k not in ("weights", "biases"))
                if extra:
                    raise ShapeError(f"layers[{i}] has unknown field(s) {', '.join(extra)}; allowed: weights, biases "
                                     "(every layer but the last is followed by ReLU)")
                w, b = layer["weights"], layer["biases"]
            else:
                try:
                    w, b = layer
                except (TypeError, ValueError):
                    raise ShapeError(f"layers[{i}] must be a (weights, biases) pair") from None
            weights = as_matrix(w, field=f"layers[{i}].weights")
            if not weights:
                raise ShapeError(f"layers[{i}].weights has no rows; every layer needs at least one neuron")
            if len(weights[0]) != prev:
                what = "input_dim" if i == 0 else f"layer {i - 1} has {prev} neurons"
                raise ShapeError(
                    f"layers[{i}].weights has shape ({len(weights)}, {len(weights[0])}) but "
                    f"({len(weights)}, {prev}) was expected ({what}{' is ' + str(prev) if i == 0 else ''})"
                )
            biases = as_vector(b, field=f"layers[{i}].biases")
            if len(biases) != len(weights):
                raise ShapeError(
                    f"layers[{i}].biases has {len(biases)} entries but layers[{i}].weights has {len(weights)} rows"
                )
            built.append(Layer(weights, biases))
            prev = len(weights)
        self._input_dim = input_dim
        self._layers = tuple(built)
        self._hash: int | None = None

    # ------------------------------------------------------------------ shape
    @property
    def input_dim(self) -> int:
        return self._input_dim

    @property
    def output_dim(self) -> int:
        return self._layers[-1].n_out

    @property
    def layers(self) -> tuple[Layer, ...]:
        return self._layers

    @property
    def hidden_widths(self) -> tuple[int, ...]:
        return tuple(layer.n_out for layer in self._layers[:-1])

    @property
    def n_hidden_layers(self) -> int:
        return len(self._layers) - 1

    @property
    def depth(self) -> int:
        """k + 1: the number of affine maps (docs/mathematics.md §1)."""
        return len(self._layers)

    @property
    def width(self) -> int:
        """The largest hidden width (0 for a network with no hidden layer)."""
        return max(self.hidden_widths, default=0)

    @property
    def size(self) -> int:
        """The number of hidden neurons."""
        return sum(self.hidden_widths)

    @property
    def has_output_bias(self) -> bool:
        """Whether the output layer's bias is nonzero (the paper's nets have none)."""
        return any(b != 0 for b in self._layers[-1].biases)

    # ------------------------------------------------------------- evaluation
    def _input(self, x: Any) -> tuple[Rational, ...]:
        return as_vector(x, field="x", length=self._input_dim)

    def preactivations(self, x: Any) -> tuple[tuple[Rational, ...], ...]:
        """Pre-activation values of every hidden layer at ``x``."""
        h = self._input(x)
        out = []
        for layer in self._layers[:-1]:
            z = layer.apply(h)
            out.append(z)
            h = _relu(z)
        return tuple(out)

    def evaluate(self, x: Any) -> tuple[Rational, ...]:
        """Exact output at ``x`` (a sequence of exact numbers)."""
        h = self._input(x)
        for layer in self._layers[:-1]:
            h = _relu(layer.apply(h))
        return self._layers[-1].apply(h)

    __call__ = evaluate

    def activation_pattern(self, x: Any) -> tuple[tuple[int, ...], ...]:
        """Per hidden layer, 1 for neurons with pre-activation > 0 and 0 otherwise.

        Convention: a neuron whose pre-activation is exactly 0 at ``x`` is reported
        as 0 (inactive).  Both choices give the same value at ``x``; use
        :meth:`preactivations` to see which neurons are exactly at zero.
        """
        return tuple(tuple(1 if v > 0 else 0 for v in z) for z in self.preactivations(x))

    def local_affine_map(self, x: Any, pattern: Sequence[Sequence[int]] | None = None) -> AffineMap:
        """The affine map of the network for an activation pattern valid at ``x``.

        With ``pattern=None`` the pattern is :meth:`activation_pattern` (x).  A given
        pattern must agree with ``x``: active (1) where the pre-activation is > 0,
        inactive (0) where it is < 0; either where it is exactly 0.  The map is then
        the one of the activation region with that pattern, whose closure contains x.
        """
        pre = self.preactivations(x)
        if pattern is None:
            pattern = tuple(tuple(1 if v > 0 else 0 for v in z) for z in pre)
        else:
            pattern = tuple(tuple(_bit(p, f"pattern[{li}][{ni}]") for ni, p in enumerate(layer)) for li, layer in enumerate(pattern))
            if tuple(len(p) for p in pattern) != self.hidden_widths:
                raise ShapeError(
                    f"pattern has layer widths {tuple(len(p) for p in pattern)} but the network has {self.hidden_widths}"
                )
            for li, (z, p) in enumerate(zip(pre, pattern)):
                for ni, (v, a) in enumerate(zip(z, p)):
                    if (v > 0 and a != 1) or (v < 0 and a != 0):
                        raise InvalidParameterError(
                            f"pattern[{li}][{ni}] is {a} but the pre-activation at x is {to_str(v)}; "
                            "use 1 where it is > 0, 0 where it is < 0, either where it is 0"
                        )
        return self.affine_map_of_pattern(pattern)

    def affine_map_of_pattern(self, pattern: Sequence[Sequence[int]]) -> AffineMap:
        """The affine map computed when each hidden neuron is fixed active (1) or not (0)."""
        n = self._input_dim
        mat = tuple(tuple(_ONE if i == j else _ZERO for j in range(n)) for i in range(n))
        cur = AffineMap(mat, tuple([_ZERO] * n), n)
        for layer, p in zip(self._layers[:-1], pattern):
            m = layer.as_affine().compose(cur)
            cur = AffineMap(
                tuple(row if a else tuple([_ZERO] * n) for row, a in zip(m.matrix, p)),
                tuple(c if a else _ZERO for c, a in zip(m.offset, p)),
                n,
            )
        return self._layers[-1].as_affine().compose(cur)

    # ----------------------------------------------------------- constructions
    def compose(self, inner: "ReluNetwork") -> "ReluNetwork":
        """``self o inner`` (inner applied first), Lemma D.1.

        The inner output layer and the outer first layer merge into one affine map, so
        depths add minus one and sizes add.
        """
        _expect_network(inner, "inner")
        if inner.output_dim != self.input_dim:
            raise ShapeError(
                f"cannot compose: the inner network has {inner.output_dim} outputs but the outer one "
                f"expects {self.input_dim} inputs"
            )
        merged = self._layers[0].as_affine().compose(inner._layers[-1].as_affine())
        layers = list(inner._layers[:-1]) + [Layer(merged.matrix, merged.offset)] + list(self._layers[1:])
        return ReluNetwork(inner.input_dim, layers)

    def padded(self, depth: int) -> "ReluNetwork":
        """The same function at a larger depth, padding with identity neurons u = s(u) - s(-u)."""
        if isinstance(depth, bool) or not isinstance(depth, int) or depth < self.depth:
            raise InvalidParameterError(f"cannot pad a network of depth {self.depth} to depth {depth!r}; give an integer >= {self.depth}")
        layers = list(self._layers)
        while len(layers) < depth:
            last = layers.pop()
            m = last.n_out
            hidden = Layer(last.weights + tuple(tuple(-v for v in row) for row in last.weights),
                           last.biases + tuple(-v for v in last.biases))
            out = Layer(
                tuple(tuple(_ONE if j == i else (-_ONE if j == i + m else _ZERO) for j in range(2 * m)) for i in range(m)),
                tuple([_ZERO] * m),
            )
            layers += [hidden, out]
        return ReluNetwork(self._input_dim, layers)

    def stack(self, other: "ReluNetwork") -> "ReluNetwork":
        """Side by side on the same input: outputs ``(self(x), other(x))``; depths padded."""
        _expect_network(other, "other")
        if other.input_dim != self.input_dim:
            raise ShapeError(f"cannot stack networks with input dimensions {self.input_dim} and {other.input_dim}")
        depth = max(self.depth, other.depth)
        f, g = self.padded(depth), other.padded(depth)
        layers = []
        for i, (lf, lg) in enumerate(zip(f._layers, g._layers)):
            if i == 0:
                w = lf.weights + lg.weights
            else:
                w = tuple(row + tuple([_ZERO] * lg.n_in) for row in lf.weights) + tuple(
                    tuple([_ZERO] * lf.n_in) + row for row in lg.weights
                )
            layers.append(Layer(w, lf.biases + lg.biases))
        return ReluNetwork(self._input_dim, layers)

    def add(self, other: "ReluNetwork") -> "ReluNetwork":
        """The network of ``x -> self(x) + other(x)`` (Lemma D.2), depths padded."""
        _expect_network(other, "other")
        if other.output_dim != self.output_dim:
            raise ShapeError(f"cannot add networks with {self.output_dim} and {other.output_dim} outputs")
        both = self.stack(other)
        m = self.output_dim
        summing = AffineMap(
            tuple(tuple(_ONE if j % m == i else _ZERO for j in range(2 * m)) for i in range(m)), tuple([_ZERO] * m), 2 * m
        )
        last = summing.compose(both._layers[-1].as_affine())
        return ReluNetwork(self._input_dim, list(both._layers[:-1]) + [Layer(last.matrix, last.offset)])

    def scaled(self, factor: Any) -> "ReluNetwork":
        """The network of ``x -> factor * self(x)`` (any rational factor; same size)."""
        c = as_rational(factor, field="factor")
        last = self._layers[-1]
        new = Layer(tuple(tuple(c * v for v in row) for row in last.weights), tuple(c * v for v in last.biases))
        return ReluNetwork(self._input_dim, list(self._layers[:-1]) + [new])

    def rescale_neuron(self, layer: int, neuron: int, factor: Any) -> "ReluNetwork":
        """Multiply a hidden neuron's incoming weights and bias by c > 0 and its outgoing
        weights by 1/c; the function is unchanged (positive homogeneity of ReLU)."""
        c = as_rational(factor, field="factor")
        if c <= 0:
            raise InvalidParameterError(f"factor is {to_str(c)}; rescaling a neuron needs a positive factor")
        if any(isinstance(v, bool) or not isinstance(v, int) for v in (layer, neuron)) \
                or not 0 <= layer < self.n_hidden_layers or not 0 <= neuron < self.hidden_widths[layer]:
            raise InvalidParameterError(f"no hidden neuron ({layer!r}, {neuron!r}); hidden widths are {self.hidden_widths}")
        layers = list(self._layers)
        lin = layers[layer]
        layers[layer] = Layer(
            tuple(tuple(c * v for v in row) if i == neuron else row for i, row in enumerate(lin.weights)),
            tuple(c * v if i == neuron else v for i, v in enumerate(lin.biases)),
        )
        lout = layers[layer + 1]
        layers[layer + 1] = Layer(
            tuple(tuple(v / c if j == neuron else v for j, v in enumerate(row)) for row in lout.weights), lout.biases
        )
        return ReluNetwork(self._input_dim, layers)

    @classmethod
    def from_affine(cls, affine: AffineMap) -> "ReluNetwork":
        """A depth-1 network (no hidden layer) computing an affine map."""
        return cls(affine.input_dim, [(affine.matrix, affine.offset)])

    # -------------------------------------------------------------------- I/O
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": 1,
            "input_dim": self._input_dim,
            "layers": [
                {"weights": [[to_str(v) for v in row] for row in l.weights], "biases": [to_str(v) for v in l.biases]}
                for l in self._layers
            ],
        }

    @classmethod
    def from_dict(cls, obj: Any, *, source: str = "network") -> "ReluNetwork":
        """Read a ``polyrelu.network`` object strictly: unknown fields (anywhere) are
        refused with their JSON path, and every shape must agree with ``input_dim``.

        >>> ReluNetwork.from_dict({"format": "polyrelu.network", "version": 1, "input_dim": 1,
        ...     "layers": [{"weights": [[1]], "biases": [0], "activation": "sigmoid"}]})
        Traceback (most recent call last):
        ...
        polyrelu.errors.FileFormatError: network: layers[0]: unknown field "activation" (allowed: weights, biases); every layer but the last is followed by ReLU, and no other activation exists
        """
        formats.check_header(obj, FORMAT, source=source)
        formats.fields(obj, "", required=("format", "version", "input_dim", "layers"), optional=("metadata",), source=source)
        formats.positive_int(obj["input_dim"], "field \"input_dim\"", source=source)
        layers = obj["layers"]
        if not isinstance(layers, list) or not layers:
            raise FileFormatError(f"{source}: field \"layers\" must be a nonempty list of {{\"weights\": ..., \"biases\": ...}}, "
                                  f"got {formats.describe(layers)}")
        for i, layer in enumerate(layers):
            try:
                formats.fields(layer, f"layers[{i}]", required=("weights", "biases"), source=source)
            except FileFormatError as exc:
                if isinstance(layer, dict) and "activation" in layer:
                    raise FileFormatError(f"{exc}; every layer but the last is followed by ReLU, and no other activation exists") from None
                raise
        if obj["input_dim"].bit_length() > 64:  # no list is that long; say so without printing every digit
            raise FileFormatError(f"{source}: field \"input_dim\" is {formats.describe(obj['input_dim'])}; "
                                  "it must equal the length of the rows of layers[0].weights")
        try:
            return cls(obj["input_dim"], layers)
        except (ShapeError, ValueError, TypeError) as exc:
            raise FileFormatError(f"{source}: {exc}") from None

    def to_json(self) -> str:
        return formats.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str, *, source: str = "network") -> "ReluNetwork":
        return cls.from_dict(formats.loads(text, source=source), source=source)

    def save(self, path: Any) -> None:
        """Write the canonical JSON file atomically."""
        formats.dump_atomic(self.to_dict(), path)

    @classmethod
    def load(cls, path: Any) -> "ReluNetwork":
        return cls.from_dict(formats.load(path), source=str(path))

    # ---------------------------------------------------------------- dunder
    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReluNetwork) and self._input_dim == other._input_dim and self._layers == other._layers

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self._input_dim, self._layers))
        return self._hash

    def __repr__(self) -> str:
        widths = "-".join(str(w) for w in (self._input_dim, *self.hidden_widths, self.output_dim))
        return f"ReluNetwork({widths}, depth={self.depth}, size={self.size})"
