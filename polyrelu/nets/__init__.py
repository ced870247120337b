"""ReLU networks: the exact network (network), its regions, linear regions and pieces
(regions), function equality (equality), exact functions on R (pwl1d), PyTorch import (torch)."""
