"""Every exception polyrelu raises on purpose.

One base class, :class:`PolyReluError`; each subclass names the situation and also
derives from the builtin a caller would naturally catch (``ValueError`` or
``TypeError``), so ``except ValueError`` keeps working for code that does not know
polyrelu.
"""

from __future__ import annotations

__all__ = [
    "PolyReluError",
    "JournalError",
    "FloatNotAllowedError",
    "NonFiniteNumberError",
    "InvalidRationalError",
    "ShapeError",
    "InvalidParameterError",
    "NotFittedError",
    "FileFormatError",
    "OutputPathError",
    "PathCollisionError",
    "InvalidArrangementError",
    "InvalidPolyhedronError",
    "CertificateError",
    "NotRepresentableError",
    "BudgetExceededError",
    "ResourceLimitError",
    "MissingDependencyError",
    "InternalError",
    "CompilationError",
    "ExpressionError",
    "ConjectureSpecError",
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


class OutputPathError(PolyReluError, OSError):
    """An output location that cannot be written (missing folder, no permission, a
    directory, a read-only file or file system); raised before any work is done."""


class PathCollisionError(PolyReluError, ValueError):
    """An output path that names an input file or another output (after resolving links)."""


class InvalidArrangementError(PolyReluError, ValueError):
    """A hyperplane arrangement that cannot be built (for example a zero normal)."""


class InvalidPolyhedronError(PolyReluError, ValueError):
    """A polyhedron given by inconsistent or malformed constraints."""


class CertificateError(PolyReluError, ValueError):
    """A certificate that does not prove what it claims; the message says why."""


class NotRepresentableError(PolyReluError, ValueError):
    """An exact number that a requested float format cannot hold exactly (for example a
    weight of 1/3 exported to float64 without permission to round)."""


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


class ExpressionError(PolyReluError, ValueError):
    """A target expression (``polyrelu equal --to``) that does not parse; the message
    names the position and what was expected there."""


class ConjectureSpecError(PolyReluError, ValueError):
    """A conjecture search that cannot run as specified: a bad search-space string, a
    conjecture file without the required names, or a checkpoint of another search."""


class JournalError(PolyReluError, ValueError):
    """A sweep journal belongs to a different table, parameters or polyrelu version, or is
    not a journal at all (delete it, or give another --journal path)."""
