"""polyrelu: exact polyhedral geometry for the theory of ReLU networks.

Everything is computed in exact rational arithmetic (gmpy2 ``mpq``); floats may propose,
never decide.  See README.md for the command line and ``polyrelu.network`` for the
core object.
"""

from .exact.affine import AffineMap
from .errors import PolyReluError
from .nets.network import ReluNetwork
from .exact.rational import Rational, as_rational, from_float, to_str

__version__ = "0.1.0"

__all__ = ["AffineMap", "PolyReluError", "ReluNetwork", "Rational", "as_rational", "from_float", "to_str", "__version__"]
