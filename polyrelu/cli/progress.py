"""Progress bars for long runs: tqdm on stderr, only when stderr is a terminal.

The library takes plain callbacks (``progress(done, total)``, or per-layer counts for
region enumeration); this module turns them into bars.  Nothing is shown when stderr is
not a terminal (pipes, files, CI), so output stays clean and deterministic.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator


def enabled() -> bool:
    return sys.stderr.isatty()


@contextmanager
def bar(description: str, *, unit: str = "job") -> Iterator[Callable[[int, int], None] | None]:
    """A ``callback(done, total)`` that drives a tqdm bar, or None off a terminal."""
    if not enabled():
        yield None
        return
    from tqdm import tqdm

    pb = tqdm(desc=description, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)
    try:
        def update(done: int, total: int) -> None:
            if pb.total != total:
                pb.total = total
            pb.n = done
            pb.refresh()

        yield update
    finally:
        pb.close()


@contextmanager
def layers(description: str, n_layers: int) -> Iterator[Callable[[int, int, int], None] | None]:
    """A ``callback(layer, done, total)`` for :func:`polyrelu.nets.regions.network_regions`:
    one step per hidden layer, with the number of cells so far."""
    if not enabled():
        yield None
        return
    from tqdm import tqdm

    pb = tqdm(desc=description, total=n_layers, unit="layer", file=sys.stderr, leave=False, dynamic_ncols=True)
    try:
        def update(layer: int, done: int, total: int) -> None:
            pb.n = layer + 1
            pb.set_postfix_str(f"{total} regions")

        yield update
    finally:
        pb.close()
