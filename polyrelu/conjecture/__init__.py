"""Checking conjectures on small instances: certified exhaustive, random and
property-based searches, minimal counterexamples, and "is this network that function?".

>>> from polyrelu.conjecture import check, get_builtin
>>> res = check(get_builtin("planted"), workers=1)
>>> res.status, res.counterexample["value"]
('refuted', '4')
>>> res.counterexample_network.layers[0].weights
((mpq(0,1), mpq(1,1)), (mpq(1,1), mpq(0,1)))
"""

from .builtins import BUILTINS, certify_regions, get_builtin
from .harness import check, find_representation
from .model import Conjecture, ConjectureResult
from .spaces import HypothesisSpace, NetworkSpace, OneLayerSpace, RandomSpace, ZonotopeFamilySpace, parse_space

__all__ = ["Conjecture", "ConjectureResult", "check", "find_representation", "BUILTINS", "get_builtin", "certify_regions", "OneLayerSpace",
           "NetworkSpace", "RandomSpace", "HypothesisSpace", "ZonotopeFamilySpace", "parse_space"]
