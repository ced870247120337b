"""Verdict rows: what ``polyrelu paper`` reports for each statement of the paper.

A verdict is decided in exact arithmetic and is one of

* ``holds`` — the claim is true on the instances checked (the row says how: a proof on all
  of R^n, such as region enumeration of a difference, or a finite check, such as exact
  evaluation at listed points);
* ``holds only as a bound`` — the claim, read as an equality, is false; read as an
  inequality, it holds;
* ``fails`` — the claim is false on the instance (the evidence gives the numbers);
* ``not checkable`` — no finite exact computation decides it; the row gives the reason.

Rows cite the mathematics as ``docs/mathematics.md §N`` (the section numbering of the
mathematics the library implements).

>>> r = Row("Thm 2.3", "Thm 2.3", 3, "PWL nets are dense in L^q", "-", NOT_CHECKABLE, "", "", reason="a limit")
>>> r.cite, r.to_dict()["verdict"]
('docs/mathematics.md §3', 'not checkable')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["Row", "HOLDS", "BOUND", "FAILS", "NOT_CHECKABLE", "VERDICTS", "cite"]

HOLDS, BOUND, FAILS, NOT_CHECKABLE = "holds", "holds only as a bound", "fails", "not checkable"
VERDICTS = (HOLDS, BOUND, FAILS, NOT_CHECKABLE)


def cite(section: int) -> str:
    """The citation of a section of the mathematics: ``docs/mathematics.md §N``."""
    return f"docs/mathematics.md §{section}"


@dataclass(frozen=True)
class Row:
    """One verdict row.

    ``statement`` is the key the row is grouped under (e.g. ``"Thm 3.2"``), ``reference``
    where the claim is in the paper, ``section`` the section of docs/mathematics.md.
    ``headline`` rows carry the statement's main counts; their certificates (file names
    in ``certificates``) are written into the report folder.  ``reason`` explains a
    *not checkable* verdict.
    """

    statement: str
    reference: str
    section: int
    claim: str
    instance: str
    verdict: str
    evidence: str
    method: str
    headline: bool = False
    certificates: tuple[str, ...] = field(default=())
    reason: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict {self.verdict!r} is not one of {VERDICTS}")
        if self.verdict == NOT_CHECKABLE and not self.reason:
            raise ValueError("a 'not checkable' row must give its reason")

    @property
    def cite(self) -> str:
        return cite(self.section)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["certificates"] = list(self.certificates)
        d["cite"] = self.cite
        return d
