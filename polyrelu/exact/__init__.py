"""Numbers only: the rational type and conversion at the edges (rational), exact linear
algebra (linalg), affine maps (affine), and the only importers of pycddlib (cddlib: exact
LP, V/H, redundancy) and of float solvers (nnls: scipy proposes, rationals decide)."""
