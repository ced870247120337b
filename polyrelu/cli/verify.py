"""The verify command: the independent certificate checker."""

from __future__ import annotations

from pathlib import Path

import click

from ..io import formats
from .app import INPUT_FILE, ClaimFalse, cli, emit_json



@cli.command("verify")
@click.argument("certificate", type=INPUT_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def verify_cmd(certificate: Path, as_json: bool) -> None:
    """Check a certificate with the independent verifier (exit 1 if it is rejected; exit 3
    if the file is not a certificate at all)."""
    from ..errors import CertificateError, FileFormatError
    from ..verify import FORMATS, verify

    obj = formats.load(certificate)
    if not isinstance(obj, dict):
        raise FileFormatError(f"{certificate}: expected a JSON object (a certificate), got {formats.describe(obj)}")
    fmt = obj.get("format")
    if fmt not in FORMATS:
        raise FileFormatError(f"{certificate}: field \"format\" is {formats.describe(fmt)}, not a certificate; "
                              f"polyrelu verify reads {', '.join(FORMATS)}")
    formats.check_header(obj, fmt, source=str(certificate))  # an unknown version cannot be read: exit 3
    try:
        summary = verify(obj)
    except FileFormatError:
        raise  # bad input (exit 3), not a rejected certificate
    except CertificateError as exc:
        raise ClaimFalse(f"certificate rejected: {exc}") from None
    if as_json:
        emit_json({"valid": True, **summary})
    elif summary["kind"] == "training":
        click.echo(f"certificate valid: the optimal {summary['loss']} loss of width {summary['width']} is {summary['optimum']}; "
                   f"{summary['multisets']} subproblems covered ({summary['by_dual']} by exact dual solutions"
                   + (f", {summary['by_shared_dual']} of them shared" if summary.get("by_shared_dual") else "")
                   + f", {summary['by_sign_bound']} by the sign bound)")
    elif summary["kind"] == "network":
        click.echo(f"certificate valid: {summary['activation_regions']} activation regions, {summary['linear_regions']} linear "
                   f"regions, {summary['pieces']} pieces, {summary['affine_maps']} affine maps")
    elif summary["kind"] == "difference":
        click.echo(f"certificate valid: the networks differ at x = ({', '.join(summary['point'])}): "
                   f"{' '.join(summary['first'])} vs {' '.join(summary['second'])}")
    elif summary["kind"] == "equality":
        click.echo(f"certificate valid: the networks compute the same function on R^{summary['input_dim']} "
                   f"(the difference is zero on all {summary['regions']} of its activation regions)")
    else:
        click.echo(f"certificate valid: {summary['n_regions']} regions ({summary['n_bounded_regions']} bounded) of "
                   f"{summary['hyperplanes']} hyperplanes in R^{summary['dim']}")
