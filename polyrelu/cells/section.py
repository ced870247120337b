"""Sections: the regions of an arrangement restricted to one hyperplane.

The sequence restrict -> cover -> lift is what every facet computation needs (facets of
arrangement regions, facets on domain walls, regions meeting a bounding box, a point in
the relative interior of a shared facet), so it lives here once.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .cover import cover
from .integers import compact, wide
from .restriction import lift, pivot, restrict_rows
from .symbolic import realize

__all__ = ["Section", "section"]


class Section:
    """The cells of the arrangement ``H`` restricted to the hyperplane ``h`` (an integer
    row ``[a | b]``, a . x = b) inside the open domain ``dom`` restricted to h: one
    symbolic witness per cell, in h's own coordinates (R^d without the pivot)."""

    __slots__ = ("h", "pivot", "Y", "DY", "UY", "_rows")

    def __init__(self, h: Sequence[int], H: np.ndarray, dom: np.ndarray):
        self.h = [int(v) for v in h]
        self.pivot = pivot(self.h)
        rH, rD = restrict_rows(self.h, self.pivot, H), restrict_rows(self.h, self.pivot, dom)
        self.Y, self.DY, self.UY = cover(len(self.h) - 2, rH, rD)
        self._rows = np.concatenate([wide(rH), wide(rD)], axis=0)

    def __len__(self) -> int:
        return int(self.Y.shape[0])

    def lifted(self, extra: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Symbolic points on h in R^d, one per cell.  ``extra``: one more direction
        appended (infinitely smaller than the others), e.g. h's normal to step off h."""
        X, D, U = lift(self.h, self.pivot, self.Y, self.DY, self.UY)
        if extra is not None:
            push = np.empty((X.shape[0], 1, X.shape[1]), dtype=object)
            push[:, 0, :] = np.array([int(v) for v in extra], dtype=object)
            U = np.concatenate([U, push], axis=1)
        return compact(X), compact(D), compact(U)

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """Explicit rational points ``X / D`` of R^d, one in the relative interior of each
        cell (realised in h's coordinates, then lifted)."""
        Yr, DYr = realize(self.Y, self.DY, self.UY, self._rows)
        X, D, _ = lift(self.h, self.pivot, Yr, DYr, np.zeros((Yr.shape[0], 0, self.Y.shape[1]), dtype=np.int64))
        return X, D


def section(h: Sequence[int], H: np.ndarray, dom: np.ndarray) -> Section:
    """The cells of ``H`` on the hyperplane ``h`` inside ``dom`` (see :class:`Section`)."""
    return Section(h, H, dom)
