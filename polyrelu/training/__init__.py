"""Exact training: the globally optimal one-hidden-layer network (trainer, Algorithm 1)."""
