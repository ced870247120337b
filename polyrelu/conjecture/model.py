"""What a conjecture is and what checking it returns (no search code here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..nets.network import ReluNetwork
from .spaces import Candidate

__all__ = ["Conjecture", "ConjectureResult"]


@dataclass(frozen=True)
class Conjecture:
    """A conjecture: ``holds(candidate, measure(candidate))`` for every candidate.

    Parameters
    ----------
    name, statement : str
        Identifier and one-sentence statement.
    quantity : str
        What ``measure`` returns (for reports), e.g. ``"activation regions"``.
    measure : callable(Candidate) -> int or rational
        The exact quantity.  ``candidate.network`` is the network; for one-hidden-layer
        arrangement questions ``candidate.hyperplanes`` is its first layer as primitive
        integer rows (cheaper).
    holds : callable(Candidate, value) -> bool
    default_space : str
        A space string (see :func:`~polyrelu.conjecture.spaces.parse_space`).
    object_kind : "first_layer" or "network"
    depends_on : "function", "function_mod_constant" or "hidden_layers"
        What the quantity depends on (enables sound reductions of the output layer).
    bound : callable(Candidate) -> value, optional
        The conjectured bound at a candidate (reported next to the extremes).
    group : callable(Candidate) -> str, optional
        Extremes are reported per group (e.g. per width vector).
    stop_at_first : bool
        Stop at the first level holding a counterexample (else sweep the whole space).
    certify : callable(ReluNetwork) -> dict, optional
        A certificate (an existing ``polyrelu verify`` format) of the quantity.
    certify_extremes : bool
        When no counterexample exists, certify the witness of the largest value instead
        (e.g. a network attaining a bound).
    known_answer : str, optional
        The known truth, in words; ``expect`` checks a result against it.
    source : tuple
        How workers rebuild the conjecture: ``("builtin", name)``, ``("file", path, sha256)`` or
        ``("represent", expression, n)``.
    """

    name: str
    statement: str
    quantity: str
    measure: Callable[[Candidate], Any]
    holds: Callable[[Candidate, Any], bool]
    default_space: str
    object_kind: str = "network"
    depends_on: str = "function_mod_constant"
    bound: Callable[[Candidate], Any] | None = None
    group: Callable[[Candidate], str] | None = None
    stop_at_first: bool = True
    certify: Callable[[ReluNetwork], dict] | None = None
    certify_extremes: bool = False
    known_answer: str | None = None
    expect: Callable[["ConjectureResult"], bool] | None = None
    reference: str = ""
    source: tuple = ()


@dataclass
class ConjectureResult:
    """What a search found; :meth:`to_dict` is the ``--json`` output."""

    conjecture: Conjecture
    space: dict
    status: str
    coverage: dict
    counterexample: dict | None
    extremes: dict
    histogram: dict
    elapsed: float
    workers: int
    certificate: dict | None = None
    known_answer_reproduced: bool | None = None
    notes: list = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return self.status == "holds"

    @property
    def counterexample_network(self) -> ReluNetwork | None:
        if self.counterexample is None:
            return None
        return ReluNetwork.from_dict(self.counterexample["network"])

    def to_dict(self) -> dict[str, Any]:
        c = self.conjecture
        return {
            "conjecture": {"name": c.name, "statement": c.statement, "quantity": c.quantity, "reference": c.reference,
                           "known_answer": c.known_answer},
            "space": self.space,
            "status": self.status,
            "coverage": self.coverage,
            "counterexample": self.counterexample,
            "extremes": self.extremes,
            "histogram": self.histogram,
            "known_answer_reproduced": self.known_answer_reproduced,
            "workers": self.workers,
            "notes": self.notes,
        }
