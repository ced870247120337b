"""The integer region engine: exact witnesses for the regions of an arrangement inside an
open polyhedron, by deletion-restriction, with no LP.

Integers only.  A hyperplane is an integer row ``[a | b]`` meaning ``a . x = b``; a
*domain* row means the strict inequality ``a . x - b > 0``.  Witnesses are symbolic
(:mod:`.symbolic`), coverage is by deletion-restriction (:mod:`.cover`), and facets come
from sections, the cells of the arrangement restricted to one hyperplane (:mod:`.section`).

This facade is what the rest of polyrelu uses:

>>> import numpy as np
>>> H = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 1]])          # x = 0, y = 0, x + y = 1
>>> X, D, U = cover(2, H, np.zeros((0, 3), dtype=np.int64))
>>> len(X)                                                   # 7 regions
7
>>> Xr, Dr = realize(X, D, U, H)                              # explicit rational witnesses
>>> bool((lexsigns(X, D, U, H) == lexsigns(Xr, Dr, np.zeros((7, 0, 2), dtype=np.int64), H)).all())
True
"""

from .batch import cover_many, cover_stream
from .cover import cover
from .integers import canonical_class_key, compact, matmul, primitive, values, wide
from .restriction import lift, pivot, restrict_rows
from .section import Section, section
from .symbolic import first_occurrences, lexsigns, packed_keys, realize, unique_rows

__all__ = [
    "cover", "cover_many", "cover_stream", "lexsigns", "realize", "packed_keys", "first_occurrences", "unique_rows",
    "section", "Section", "canonical_class_key", "compact", "wide", "matmul", "values",
    "primitive", "pivot", "restrict_rows", "lift",
]
