"""The paper: its constructions, its closed forms, the statements behind ``polyrelu paper``,
proof tables, figures (docs/mathematics.md).

Modules: :mod:`.constructions` (gadgets, zig-zags, hard functions, max networks, the
zonotope family), :mod:`.closed_forms` (every formula of the paper, exact; imports only the
rational type, so geometry/ and training/ may use it), :mod:`.instances` (the one seeded
instance generator), :mod:`.claims` (the statements and their checks), :mod:`.verdicts`
(rows), :mod:`.tables` (proof tables), :mod:`.sweep` (resumable grids of jobs),
:mod:`.report` (the report files), :mod:`.figures` (Figures 1-4).

This package file imports nothing, so importing :mod:`polyrelu.paper.closed_forms` from
low-level packages pulls in no construction.
"""
