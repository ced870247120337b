"""The verify command: the independent certificate checker."""

from __future__ import annotations

from pathlib import Path

import click

from .app import ClaimFalse, cli, emit_json


@cli.command("verify")
@click.argument("certificate", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def verify_cmd(certificate: Path, as_json: bool) -> None:
    """Check a certificate with the independent verifier (exit 1 if it is rejected)."""
    from ..errors import CertificateError
    from ..io import formats
    from ..verify.certificates import verify

    obj = formats.load(certificate)
    try:
        summary = verify(obj)
    except CertificateError as exc:
        raise ClaimFalse(f"certificate rejected: {exc}") from None
    if as_json:
        emit_json({"valid": True, **summary})
    elif summary["kind"] == "training":
        click.echo(f"certificate valid: the optimal {summary['loss']} loss of width {summary['width']} is {summary['optimum']}; "
                   f"{summary['multisets']} subproblems covered ({summary['by_dual']} by exact dual solutions, "
                   f"{summary['by_sign_bound']} by the sign bound)")
    elif summary["kind"] == "network":
        click.echo(f"certificate valid: {summary['activation_regions']} activation regions, {summary['linear_regions']} linear "
                   f"regions, {summary['pieces']} pieces, {summary['affine_maps']} affine maps")
    else:
        click.echo(f"certificate valid: {summary['n_regions']} regions ({summary['n_bounded_regions']} bounded) of "
                   f"{summary['hyperplanes']} hyperplanes in R^{summary['dim']}")
