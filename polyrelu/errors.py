"""Every exception polyrelu raises on purpose.

One base class, :class:`PolyReluError`; each subclass names the situation and also
derives from the builtin a caller would naturally catch (``ValueError`` or
``TypeError``), so ``except ValueError`` keeps working for code that does not know
polyrelu.
"""

from __future__ import annotations

__all__ = [
    "PolyReluError",
    "FloatNotAllowedError",
    "NonFiniteNumberError",
    "InvalidRationalError",
    "ShapeError",
    "InvalidParameterError",
    "NotFittedError",
    "FileFormatError",
    "InvalidArrangementError",
    "InvalidPolyhedronError",
    "CertificateError",
    "BudgetExceededError",
    "ResourceLimitError",
    "MissingDependencyError",
    "InternalError",
    "CompilationError",
]


class PolyReluError(Exception):
    """Base class of every error polyrelu raises deliberately."""


class FloatNotAllowedError(PolyReluError, TypeError):
    """A binary float was passed where an exact rational is required."""


class NonFiniteNumberError(PolyReluError, ValueError):
    """NaN or an infinity was passed; they have no rational value."""


class InvalidRationalError(PolyReluError, ValueError):
    """A value (often a string) that does not denote a rational number."""


class ShapeError(PolyReluError, ValueError):
    """Matrices or vectors whose shapes do not fit together."""


class InvalidParameterError(PolyReluError, ValueError, TypeError):
    """A parameter of the wrong kind or outside its allowed range: a hyperparameter, an
    option, an object of the wrong class, or a number that must be positive (a rescaling
    factor, a width, a depth).  Both ``except ValueError`` and ``except TypeError`` catch it."""


class NotFittedError(PolyReluError, ValueError, AttributeError):
    """A fitted attribute or ``predict`` was used before ``fit``."""


class FileFormatError(PolyReluError, ValueError):
    """A polyrelu file that is malformed, truncated, of the wrong format or version."""


class InvalidArrangementError(PolyReluError, ValueError):
    """A hyperplane arrangement that cannot be built (for example a zero normal)."""


class InvalidPolyhedronError(PolyReluError, ValueError):
    """A polyhedron given by inconsistent or malformed constraints."""


class CertificateError(PolyReluError, ValueError):
    """A certificate that does not prove what it claims; the message says why."""


class BudgetExceededError(PolyReluError, RuntimeError):
    """A computation stopped because the budget its caller set (``max_regions``,
    ``max_seconds``, ``max_subproblems``) ran out, and the operation asked for needs the
    complete result (for example a certificate of a partial enumeration).  CLI exit 4."""


class ResourceLimitError(PolyReluError, RuntimeError):
    """The problem is larger than a fixed limit of polyrelu (not a budget the caller set);
    the message names the limit and how to stay below it.  The input is not malformed."""


class MissingDependencyError(PolyReluError, ImportError):
    """An optional dependency (torch, dask) is needed for what was asked; the message
    says how to install it."""


class InternalError(PolyReluError, RuntimeError):
    """An internal invariant failed: a bug in polyrelu, never a property of the input.
    Please report it with the input that caused it.  CLI exit 5."""


class CompilationError(InternalError):
    """A compiled network failed its exact equality check against its definition."""
