"""The paper: its constructions (constructions/), its closed forms (closed_forms) and the
checks behind `polyrelu paper` (claims)."""
