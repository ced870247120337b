"""The paper's constructions: small gadgets, zig-zags and hard functions, max networks,
the zonotope family (docs/mathematics.md §1-§5).  Random members: :mod:`polyrelu.paper.instances`."""

from .gadgets import absolute_value, identity, max_of_two
from .zigzag import hard_function, zigzag

__all__ = ["absolute_value", "identity", "max_of_two", "zigzag", "hard_function"]
