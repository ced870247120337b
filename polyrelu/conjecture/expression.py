"""A small exact expression language for piecewise-linear targets, compiled to networks.

Grammar (whitespace is free)::

    expr    := ["+" | "-"] term (("+" | "-") term)*
    term    := factor (("*" | "/") factor | factor)*      juxtaposition multiplies: 3/4 x1, 2max(x1, 0)
    factor  := ("+" | "-") factor | primary
    primary := NUMBER | VARIABLE | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"

NUMBER is an integer or a decimal (``0.25`` means exactly 1/4; ``3/4`` is 3 divided by 4);
VARIABLE is ``x1`` .. ``xn``; FUNCTION is ``max`` or ``min`` (any number of arguments),
``relu`` (= max(0, .)) or ``abs`` (= max(., -.)).  Products need all factors but one to
be constant and divisors must be nonzero constants: the language is exactly the
continuous piecewise-linear functions built from affine terms by max, min, sums and
rational scalings.  A parse error names the position (1-based column) and what was
expected there.

Compilation (Thm 2.1 machinery of :mod:`polyrelu.paper.constructions.maxnet`): an affine
term is a network with no hidden layer; ``max``/``min`` of affine terms is
:func:`max_affine` / :func:`min_affine` (a balanced tree of 4-neuron gadgets); ``max`` of
general arguments stacks their networks side by side and composes a max tree over the
coordinates (Lemma D.1); sums and scalings use :meth:`ReluNetwork.add` / ``scaled``
(Lemma D.2).  The compiled network is checked against direct exact evaluation of the
expression at a few points before it is returned; :func:`equal_to_expression` then
decides exactly (:func:`polyrelu.nets.equality.networks_equal`) whether a network
computes the expression, with a rational witness point where they differ.

>>> e = parse_expression("max(0, x1, x2) - 1/2 relu(x1 - x2)", n=2)
>>> e.evaluate(["3", "-1"])
mpq(1,1)
>>> net = e.to_network()
>>> net.evaluate(["3", "-1"])
(mpq(1,1),)
>>> parse_expression("max(x1, x2", n=2)
Traceback (most recent call last):
...
polyrelu.errors.ExpressionError: position 11: expected ',' or ')' to continue the arguments of max, found the end of the expression
  max(x1, x2
            ^
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, NoReturn, Sequence, cast

from gmpy2 import mpq

from ..errors import CompilationError, ExpressionError, ShapeError
from ..exact.affine import AffineMap
from ..exact.rational import Rational, as_vector, to_str
from ..nets.network import ReluNetwork
from ..paper.constructions.maxnet import max_affine, min_affine

__all__ = ["Expression", "parse_expression", "equal_to_expression"]

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+\.\d*|\.\d+|\d+)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>[-+*/(),]))")
_ZERO = mpq(0)


# ------------------------------------------------------------------ nodes
@dataclass(frozen=True)
class _Aff:
    coeffs: tuple
    const: Any


@dataclass(frozen=True)
class _Ext:  # max or min of arguments
    op: str
    args: tuple


@dataclass(frozen=True)
class _Sum:  # sum_i c_i * node_i + affine
    terms: tuple  # ((scalar, node), ...), nodes are _Ext
    aff: _Aff


def _aff_add(a: _Aff, b: _Aff) -> _Aff:
    return _Aff(tuple(x + y for x, y in zip(a.coeffs, b.coeffs)), a.const + b.const)


def _aff_scale(c, a: _Aff) -> _Aff:
    return _Aff(tuple(c * x for x in a.coeffs), c * a.const)


def _as_sum(node, n):
    if isinstance(node, _Sum):
        return node
    if isinstance(node, _Aff):
        return _Sum((), node)
    return _Sum(((mpq(1), node),), _Aff((_ZERO,) * n, _ZERO))


def _add(a, b, n):
    if isinstance(a, _Aff) and isinstance(b, _Aff):
        return _aff_add(a, b)
    sa, sb = _as_sum(a, n), _as_sum(b, n)
    return _Sum(sa.terms + sb.terms, _aff_add(sa.aff, sb.aff))


def _scale(c, a, n):
    if isinstance(a, _Aff):
        return _aff_scale(c, a)
    s = _as_sum(a, n)
    if c == 0:
        return _Aff((_ZERO,) * n, _ZERO)
    return _Sum(tuple((c * k, t) for k, t in s.terms), _aff_scale(c, s.aff))


def _ext(op, args):
    flat: list[Any] = []
    for a in args:  # max(a, max(b, c)) = max(a, b, c)
        if isinstance(a, _Ext) and a.op == op:
            flat.extend(a.args)
        else:
            flat.append(a)
    return _Ext(op, tuple(flat)) if len(flat) > 1 else flat[0]


def _is_const(node) -> bool:
    return isinstance(node, _Aff) and all(c == 0 for c in node.coeffs)


# ------------------------------------------------------------------ parser
class _Parser:
    def __init__(self, text: str, n: int):
        self.text, self.n = text, n
        self.tokens: list[tuple[str, str, int]] = []  # (kind, text, 0-based position)
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if m is None:
                start = pos + len(text[pos:]) - len(text[pos:].lstrip())
                self.fail(start, "a number, x1..x%d, max, min, relu, abs, an operator + - * /, a parenthesis or a comma" % n,
                          found=repr(text[start]))
            kind = cast(str, m.lastgroup)  # every alternative of _TOKEN is a named group
            self.tokens.append((kind, m.group(kind), m.start(kind)))
            pos = m.end()
        self.i = 0

    def fail(self, pos: int, expected: str, found: str | None = None) -> NoReturn:
        if found is None:
            found = "the end of the expression" if pos >= len(self.text) else repr(self.text[pos])
        raise ExpressionError(f"position {pos + 1}: expected {expected}, found {found}\n  {self.text}\n  {' ' * pos}^")

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "", len(self.text))

    def found(self, tok) -> str:
        return "the end of the expression" if tok[0] == "end" else repr(tok[1])

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def parse(self):
        if not self.tokens:
            self.fail(0, "an expression such as max(0, x1)")
        node = self.expr()
        tok = self.peek()
        if tok[0] != "end":
            self.fail(tok[2], "an operator (+ - * /) or the end of the expression", self.found(tok))
        return node

    def expr(self):
        node = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            rhs = self.term()
            node = _add(node, rhs if op == "+" else _scale(mpq(-1), rhs, self.n), self.n)
        return node

    def _starts_primary(self, tok) -> bool:
        return tok[0] in ("num", "name") or (tok[0] == "op" and tok[1] == "(")

    def term(self):
        start = self.peek()[2]
        node = self.factor()
        while True:
            tok = self.peek()
            if tok[0] == "op" and tok[1] in ("*", "/"):
                self.take()
                at = self.peek()[2]
                rhs = self.factor()
                if tok[1] == "/":
                    if not _is_const(rhs):
                        self.fail(at, "a nonzero constant divisor (division by an expression is not piecewise linear)",
                                  "a non-constant expression")
                    if rhs.const == 0:
                        self.fail(at, "a nonzero constant divisor", "a divisor equal to 0")
                    node = _scale(1 / rhs.const, node, self.n)
                else:
                    node = self._mul(node, rhs, start)
            elif self._starts_primary(tok):  # juxtaposition: 3/4 x1, 2 max(x1, 0)
                rhs = self.factor()
                node = self._mul(node, rhs, start)
            else:
                return node

    def _mul(self, a, b, at):
        if _is_const(a):
            return _scale(a.const, b, self.n)
        if _is_const(b):
            return _scale(b.const, a, self.n)
        self.fail(at, "a product with at most one non-constant factor (the product of two non-constant expressions "
                      "is not piecewise linear)", "a product of two non-constant expressions")

    def factor(self):
        tok = self.peek()
        if tok[0] == "op" and tok[1] in ("+", "-"):
            self.take()
            inner = self.factor()
            return inner if tok[1] == "+" else _scale(mpq(-1), inner, self.n)
        return self.primary()

    def primary(self):
        tok = self.take()
        kind, text, pos = tok
        n = self.n
        if kind == "num":
            frac = mpq(text) if "." not in text else _decimal(text)
            return _Aff((_ZERO,) * n, frac)
        if kind == "name":
            low = text.lower()
            m = re.fullmatch(r"x(\d+)", low)
            if m:
                k = int(m.group(1))
                if not 1 <= k <= n:
                    self.fail(pos, f"a variable x1..x{n} (the function has {n} input{'s' if n != 1 else ''})", repr(text))
                return _Aff(tuple(mpq(1) if j == k - 1 else _ZERO for j in range(n)), _ZERO)
            if low in ("max", "min", "relu", "abs"):
                nxt = self.peek()
                if not (nxt[0] == "op" and nxt[1] == "("):
                    self.fail(nxt[2], f"'(' after {text}", self.found(nxt))
                self.take()
                args = [self.expr()]
                while True:
                    nxt = self.peek()
                    if nxt[0] == "op" and nxt[1] == ",":
                        self.take()
                        args.append(self.expr())
                        continue
                    if nxt[0] == "op" and nxt[1] == ")":
                        self.take()
                        break
                    self.fail(nxt[2], f"',' or ')' to continue the arguments of {low}", self.found(nxt))
                if low in ("relu", "abs") and len(args) != 1:
                    self.fail(pos, f"{low}(...) with exactly one argument", f"{len(args)} arguments")
                if low == "relu":
                    return self._extremum("max", [_Aff((_ZERO,) * n, _ZERO), args[0]])
                if low == "abs":
                    return self._extremum("max", [args[0], _scale(mpq(-1), args[0], n)])
                return self._extremum(low, args)
            self.fail(pos, f"a variable x1..x{n} or a function max, min, relu, abs", repr(text))
        if kind == "op" and text == "(":
            node = self.expr()
            nxt = self.peek()
            if not (nxt[0] == "op" and nxt[1] == ")"):
                self.fail(nxt[2], "')' to close the parenthesis", self.found(nxt))
            self.take()
            return node
        self.fail(pos, "a number, a variable x1..x%d, max(...), min(...) or '('" % n, self.found(tok))

    def _extremum(self, op, args):
        if len(args) == 1:
            return args[0]
        if all(isinstance(a, _Aff) for a in args) and len(set(args)) == 1:
            return args[0]
        return _ext(op, args)


def _decimal(text: str) -> Rational:
    from ..exact.rational import as_rational

    return as_rational(text if not text.endswith(".") else text + "0")


# ------------------------------------------------------------------ evaluation and compilation
def _eval(node, x):
    if isinstance(node, _Aff):
        return sum((c * v for c, v in zip(node.coeffs, x)), _ZERO) + node.const
    if isinstance(node, _Ext):
        vals = [_eval(a, x) for a in node.args]
        return max(vals) if node.op == "max" else min(vals)
    return sum((c * _eval(t, x) for c, t in node.terms), _ZERO) + _eval(node.aff, x)


def _affine_net(a: _Aff, n: int) -> ReluNetwork:
    return ReluNetwork.from_affine(AffineMap((a.coeffs,), (a.const,), n))


def _compile(node, n: int) -> ReluNetwork:
    if isinstance(node, _Aff):
        return _affine_net(node, n)
    if isinstance(node, _Ext):
        if all(isinstance(a, _Aff) for a in node.args):
            fs = [(a.coeffs, a.const) for a in node.args]
            return max_affine(fs) if node.op == "max" else min_affine(fs)
        nets = [_compile(a, n) for a in node.args]
        stacked = nets[0]
        for other in nets[1:]:
            stacked = stacked.stack(other)
        k = len(nets)
        proj = [([1 if j == i else 0 for j in range(k)], 0) for i in range(k)]
        tree = max_affine(proj) if node.op == "max" else min_affine(proj)
        return tree.compose(stacked)
    parts = [_compile(t, n).scaled(c) for c, t in node.terms]
    if any(v != 0 for v in node.aff.coeffs) or node.aff.const != 0 or not parts:
        parts.append(_affine_net(node.aff, n))
    return functools.reduce(ReluNetwork.add, parts)


def _text(node) -> str:
    if isinstance(node, _Aff):
        parts = [f"{to_str(c)} x{i + 1}" for i, c in enumerate(node.coeffs) if c != 0]
        if node.const != 0 or not parts:
            parts.append(to_str(node.const))
        return " + ".join(parts).replace("+ -", "- ").replace("1 x", "x").replace("-x", "-1 x") if parts else "0"
    if isinstance(node, _Ext):
        return f"{node.op}(" + ", ".join(_text(a) for a in node.args) + ")"
    parts = [f"{to_str(c)} {_text(t)}" for c, t in node.terms]
    tail = _text(node.aff)
    if tail != "0":
        parts.append(tail)
    return " + ".join(parts)


class Expression:
    """A parsed piecewise-linear expression on R^n (see the module docstring)."""

    __slots__ = ("text", "n", "_node")

    def __init__(self, text: str, n: int, node):
        self.text, self.n, self._node = text, n, node

    def evaluate(self, x: Sequence[Any]) -> Rational:
        """The exact value at a point (any exact numbers, see ``as_rational``)."""
        return _eval(self._node, as_vector(x, field="x", length=self.n))

    __call__ = evaluate

    @property
    def is_affine(self) -> bool:
        return isinstance(self._node, _Aff)

    def to_network(self) -> ReluNetwork:
        """The compiled network (checked against direct evaluation at a few points)."""
        net = _compile(self._node, self.n)
        for x in probe_points(self.n):
            if net.evaluate(x)[0] != self.evaluate(x):  # pragma: no cover - a bug in compilation
                raise CompilationError(f"the network compiled from {self.text!r} differs from it at {[to_str(v) for v in x]}")
        return net

    def __repr__(self) -> str:
        return f"Expression({_text(self._node)!r}, n={self.n})"


def probe_points(n: int) -> list[tuple]:
    """A fixed set of rational points of R^n (used to check compilations and to reject
    candidate networks quickly; a difference at one of them is a proof of inequality)."""
    vals = [mpq(0), mpq(1), mpq(-2), mpq(3, 7), mpq(-5, 3), mpq(11, 4)]
    return [tuple(vals[(i * (j + 2) + j) % len(vals)] + mpq(j, 13) for j in range(n)) for i in range(8)]


def parse_expression(text: str, *, n: int) -> Expression:
    """Parse ``text`` as a function of x1..xn (raises :class:`ExpressionError`)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ShapeError(f"n is {n!r}; the number of variables must be a positive integer")
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be a string, got {type(text).__name__}")
    return Expression(text, n, _Parser(text, n).parse())


def equal_to_expression(net: ReluNetwork, text: str, *, domain=None) -> dict[str, Any]:
    """Decide exactly whether ``net`` (R^n -> R) computes the expression ``text``.

    Returns ``{"equal": bool, "point": x or None, "network_value", "expression_value",
    "compiled": ReluNetwork}``; the values at ``x`` are recomputed by exact evaluation of
    the network and of the expression itself (not of the compiled network).

    >>> from polyrelu.paper.constructions import max_of_two
    >>> equal_to_expression(max_of_two(), "max(x1, x2)")["equal"]
    True
    >>> r = equal_to_expression(max_of_two(), "max(0, x1, x2)")
    >>> r["equal"], r["network_value"] != r["expression_value"]
    (False, True)
    """
    from ..nets.equality import networks_equal

    if net.output_dim != 1:
        raise ShapeError(f"the network has {net.output_dim} outputs; --to compares a network R^n -> R with one expression")
    expr = parse_expression(text, n=net.input_dim)
    compiled = expr.to_network()
    same, x = networks_equal(net, compiled, domain=domain, workers=1)
    out: dict[str, Any] = {"equal": same, "point": None, "network_value": None, "expression_value": None, "compiled": compiled,
                           "expression": expr}
    if not same:
        nv, ev = net.evaluate(x)[0], expr.evaluate(x)
        if nv == ev:  # pragma: no cover - the compiled network and the expression disagree
            raise CompilationError(f"the witness {x} does not separate the network from {text!r}")
        out.update(point=tuple(x), network_value=nv, expression_value=ev)
    return out
