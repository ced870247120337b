"""The paper's constructions: small gadgets, zig-zags and hard functions."""

from .gadgets import absolute_value, identity, max_of_two
from .zigzag import hard_function, random_breakpoints, random_hard_function, zigzag

__all__ = ["absolute_value", "identity", "max_of_two", "zigzag", "hard_function", "random_breakpoints", "random_hard_function"]
