"""cells.cover_many (many problems at once) against cells.cover (one problem at a time),
and the exact vertex filter against the engine."""

import random

import numpy as np
import pytest

from polyrelu.cells import cover, lexsigns
from polyrelu.cells.batch import cover_many, interior_points, vertex_filter


def _rows(rng, m, d, lo, hi):
    return np.array([[rng.randint(lo, hi) for _ in range(d + 1)] for _ in range(m)], dtype=object).reshape(m, d + 1)


@pytest.mark.parametrize("seed, lo, hi", [(1, -3, 3), (2, -3, 3), (3, -10**12, 10**12)])
def test_cover_many_equals_cover_problem_by_problem(seed, lo, hi):
    rng = random.Random(seed)
    for _ in range(40):
        d = rng.choice([1, 2, 3])
        P = rng.randint(1, 4)
        Hs = [_rows(rng, rng.randint(0, 6), d, lo, hi) for _ in range(P)]
        Ws = [_rows(rng, rng.randint(0, 3), d, lo, hi) for _ in range(P)]
        H = np.concatenate(Hs)
        W = np.concatenate(Ws)
        hp = np.repeat(np.arange(P), [len(h) for h in Hs])
        wp = np.repeat(np.arange(P), [len(w) for w in Ws])
        X, D, U, cp = cover_many(d, H, hp, W, wp, P)
        assert np.all(np.diff(cp) >= 0)
        for q in range(P):
            X1, D1, U1 = cover(d, Hs[q], Ws[q])
            m = cp == q
            assert X1.shape[0] == m.sum()  # one witness per region: same number of regions
            Hq = Hs[q][np.any(Hs[q][:, :d] != 0, axis=1)]
            if Hq.shape[0]:
                assert {tuple(r) for r in lexsigns(X1, D1, U1, Hq).tolist()} == {tuple(r) for r in lexsigns(X[m], D[m], U[m], Hq).tolist()}
            if Ws[q].shape[0] and m.any():
                assert (lexsigns(X[m], D[m], U[m], Ws[q]) > 0).all()  # strictly inside the domain


def test_interior_points_are_inside_or_the_polyhedron_is_empty():
    rng = random.Random(5)
    for _ in range(60):
        d = rng.choice([1, 2, 3])
        P = rng.randint(1, 4)
        Ws = [_rows(rng, rng.randint(0, 5), d, -4, 4) for _ in range(P)]
        W = np.concatenate(Ws)
        wp = np.repeat(np.arange(P), [len(w) for w in Ws])
        X, D, found = interior_points(d, W, wp, P)
        for q in range(P):
            Xc, _, _ = cover(d, np.zeros((0, d + 1), dtype=np.int64), Ws[q])  # the engine: one region or none
            assert found[q] == (Xc.shape[0] > 0)
            if found[q] and Ws[q].shape[0]:
                vals = [sum(int(a) * int(x) for a, x in zip(r[:d], X[q])) - int(r[d]) * int(D[q]) for r in Ws[q]]
                assert all(v > 0 for v in vals)


def test_vertex_filter_never_drops_a_cutting_hyperplane():
    rng = random.Random(7)
    for _ in range(80):
        d = rng.choice([1, 2, 3])
        F = rng.randint(d + 1, 7)
        R = _rows(rng, F, d, -5, 5)
        w = 6
        G = _rows(rng, w, d, -5, 5)  # [g | c]: g . x + c = 0
        live = np.any(G[:, :d] != 0, axis=1)[None, :]
        meets = vertex_filter(R, np.zeros(F, dtype=np.int64), 1, d, G[None], live)
        if cover(d, np.zeros((0, d + 1), dtype=np.int64), R)[0].shape[0] == 0:
            continue  # an empty cell: nothing to check
        for j in range(w):
            if not live[0, j]:
                continue
            h = np.array([[*G[j, :d], -G[j, d]]], dtype=object)  # as a hyperplane a . x = b
            cuts = cover(d, h, R)[0].shape[0] == 2
            if cuts:
                assert meets[0, j]


@pytest.mark.parametrize("seed, size", [(11, 5), (12, 60), (13, 2**22)])
def test_vertex_filter_on_many_cells_is_exact_where_cells_have_vertices(seed, size):
    """Many cells at once, with different numbers of walls (packed by count), small and
    large coefficients (the latter take the Python-integer route): on a cell with a vertex
    the filter says "meets" exactly when the engine finds the hyperplane cutting the open
    cell; on a cell without one it keeps every neuron."""
    from polyrelu.exact.linalg import rank
    from fractions import Fraction

    rng = random.Random(seed)
    for _ in range(25):
        d = rng.choice([2, 3])
        N = rng.randint(1, 6)
        cells_rows = [_rows(rng, rng.randint(1, 9), d, -size, size) for _ in range(N)]
        R = np.concatenate(cells_rows)
        rp = np.concatenate([np.full(len(r), i, dtype=np.int64) for i, r in enumerate(cells_rows)])
        w = 5
        G = np.stack([_rows(rng, w, d, -size, size) for _ in range(N)])
        live = np.any(G[:, :, :d] != 0, axis=2)
        meets = vertex_filter(R, rp, N, d, G, live)
        for i, Ri in enumerate(cells_rows):
            if cover(d, np.zeros((0, d + 1), dtype=np.int64), Ri)[0].shape[0] == 0:
                continue  # an empty cell
            pointed = rank([tuple(Fraction(int(v)) for v in r[:d]) for r in Ri]) == d
            for j in range(w):
                if not live[i, j]:
                    assert not meets[i, j]
                    continue
                h = np.array([[*G[i, j, :d], -G[i, j, d]]], dtype=object)
                cuts = cover(d, h, Ri)[0].shape[0] == 2
                assert meets[i, j] == cuts if pointed else (meets[i, j] or not cuts)
