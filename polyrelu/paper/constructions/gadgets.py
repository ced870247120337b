"""Small exact gadgets of docs/mathematics.md §1 and §3."""

from __future__ import annotations

from ...nets.network import ReluNetwork

__all__ = ["absolute_value", "identity", "max_of_two"]


def absolute_value() -> ReluNetwork:
    """|x| = s(x) + s(-x): one hidden layer of 2 neurons, no output bias."""
    return ReluNetwork(1, [([[1], [-1]], [0, 0]), ([[1, 1]], [0])])


def identity(dim: int = 1) -> ReluNetwork:
    """u = s(u) - s(-u) coordinatewise: one hidden layer of 2*dim neurons."""
    rows = [[1 if j == i else 0 for j in range(dim)] for i in range(dim)]
    neg = [[-v for v in row] for row in rows]
    out = [[1 if j == i else (-1 if j == i + dim else 0) for j in range(2 * dim)] for i in range(dim)]
    return ReluNetwork(dim, [(rows + neg, [0] * (2 * dim)), (out, [0] * dim)])


def max_of_two() -> ReluNetwork:
    """max{x1, x2} = (s(x1+x2) - s(-x1-x2) + s(x1-x2) + s(x2-x1)) / 2 (docs/mathematics.md §3).

    One hidden layer of 4 neurons on R^2, no output bias.
    """
    return ReluNetwork(
        2,
        [
            ([[1, 1], [-1, -1], [1, -1], [-1, 1]], [0, 0, 0, 0]),
            ([["1/2", "-1/2", "1/2", "1/2"]], [0]),
        ],
    )
