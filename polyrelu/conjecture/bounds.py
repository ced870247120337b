"""Published region bounds, exactly as stated, for comparison with exhaustive maxima.

Notation: n_0 is the input dimension, n_1..n_L the hidden widths.  "Regions" in these
papers are activation regions (sets of inputs with one activation pattern; Serra et al.
2018, Definition 2); pieces <= linear regions <= activation regions, so an upper bound on
regions bounds pieces too.

* **Zaslavsky (1975)**: m hyperplanes in R^d cut at most
  sum_{j=0}^{d} C(m, j) regions, attained exactly in general position.  For one hidden
  layer of w neurons on R^n: sum_{j<=n} C(w, j) activation regions.
* **Montúfar, Pascanu, Cho, Bengio 2014** (NeurIPS), lower bound as restated in Serra et
  al. 2018, §3: for n_l >= n_0 the maximal number of regions is at least
  (prod_{l=1}^{L-1} floor(n_l / n_0)^{n_0}) * sum_{j=0}^{n_0} C(n_L, j).
* **Serra, Tjandraatmadja, Ramalingam 2018** (ICML), Theorem 1 (upper bound): at most
  sum over (j_1..j_L) in J of prod_{l=1}^{L} C(n_l, j_l), with
  J = {(j_1..j_L) in Z^L : 0 <= j_l <= min{n_0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l}}
  (tight for L = 1).  Theorem 5 (exact, n_0 = 1): with n_l >= 3 for every l the maximal
  number of regions is exactly prod_{l=1}^{L} (n_l + 1).  Theorem 6 (lower bound): with
  n_l >= 3 n_0 for every l, at least
  (prod_{l=1}^{L-1} (floor(n_l / n_0) + 1)^{n_0}) * sum_{j=0}^{n_0} C(n_L, j).

>>> serra_upper_bound([3, 3], 1), serra_exact_1d([3, 3]), montufar_lower_bound([3, 3], 1)
(16, 16, 12)
>>> zaslavsky_bound(3, 2), serra_upper_bound([3], 2)
(7, 7)
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product
from math import comb, prod
from typing import Sequence

__all__ = ["zaslavsky_bound", "serra_upper_bound", "serra_exact_1d", "serra_lower_bound", "montufar_lower_bound"]


def _check(widths: Sequence[int], n0: int) -> list[int]:
    ws = list(widths)
    if not ws or any(isinstance(w, bool) or not isinstance(w, int) or w < 1 for w in ws):
        raise ValueError(f"widths {ws!r}: give positive integer hidden widths")
    if isinstance(n0, bool) or not isinstance(n0, int) or n0 < 1:
        raise ValueError(f"n0 = {n0!r}: the input dimension must be a positive integer")
    return ws


@lru_cache(maxsize=1024)
def zaslavsky_bound(w: int, n: int) -> int:
    """sum_{j=0}^{n} C(w, j): the most regions w hyperplanes cut R^n into."""
    return sum(comb(w, j) for j in range(n + 1))


def serra_upper_bound(widths: Sequence[int], n0: int) -> int:
    """Serra et al. 2018, Theorem 1, evaluated exactly by enumerating J."""
    ws = _check(widths, n0)
    total = 0
    for js in product(*(range(min(n0, w) + 1) for w in ws)):
        ok = True
        for l, j in enumerate(js):
            if j > min([n0, ws[l]] + [ws[i] - js[i] for i in range(l)]):
                ok = False
                break
        if ok:
            total += prod(comb(w, j) for w, j in zip(ws, js))
    return total


def serra_exact_1d(widths: Sequence[int]) -> int | None:
    """Serra et al. 2018, Theorem 5: prod (n_l + 1) when n_0 = 1 and every n_l >= 3
    (None where the theorem does not apply)."""
    ws = _check(widths, 1)
    return prod(w + 1 for w in ws) if all(w >= 3 for w in ws) else None


def serra_lower_bound(widths: Sequence[int], n0: int) -> int | None:
    """Serra et al. 2018, Theorem 6 (None unless every n_l >= 3 n_0)."""
    ws = _check(widths, n0)
    if any(w < 3 * n0 for w in ws):
        return None
    return prod((w // n0 + 1) ** n0 for w in ws[:-1]) * sum(comb(ws[-1], j) for j in range(n0 + 1))


def montufar_lower_bound(widths: Sequence[int], n0: int) -> int | None:
    """Montúfar et al. 2014 lower bound (None unless every n_l >= n_0)."""
    ws = _check(widths, n0)
    if any(w < n0 for w in ws):
        return None
    return prod((w // n0) ** n0 for w in ws[:-1]) * sum(comb(ws[-1], j) for j in range(n0 + 1))
