"""The exact trainer (the paper's Algorithm 1): :class:`~polyrelu.training.trainer.ExactReluTrainer`.

Modules: ``trainer`` (the search and the certificate), ``subproblem`` (one convex
subproblem, its canonical dual), ``bounds`` (the sign bound), ``pool`` (shared duals),
``_executor`` (where batches run).
"""
