"""Polyhedral geometry: open polyhedra (polyhedron), hyperplane arrangements (arrangement),
their intersection lattice (lattice) and zonotopes (zonotope), on the region engine."""
