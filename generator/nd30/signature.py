"""The signature block: authority prefix and titles (TM./KT./TL./TUQ./Q.) from the signer's role."""

from __future__ import annotations

from generator.data.model import Body, Signer
from generator.errors import DataError, Place
from generator.i18n import _


def _upper(text: str) -> str:
    return text.upper()


def authority_lines(signer: Signer, issuer: Body, place: Place | None = None) -> list[str]:
    """The capitalised lines above the signature, e.g. ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]."""
    if not issuer.head_title:
        raise DataError(_("{agency} chưa có 'head_title' (chức danh người đứng đầu)", agency=issuer.name), place)
    head = _upper(issuer.head_title)
    lines: list[str] = []
    auth = signer.authority
    # A collective body (Ủy ban nhân dân) is signed for "TM." by its head or a deputy;
    # TL./TUQ. are given by the head, so they name the head's title instead.
    if issuer.collective and auth in ("head", "deputy", "acting"):
        lines.append(f"TM. {_upper(issuer.collective)}")
    if auth == "head":
        lines.append(head)
    elif auth == "deputy":
        if not issuer.deputy_title:
            raise DataError(_("{agency} chưa có 'deputy_title' (chức danh cấp phó)", agency=issuer.name), place)
        lines += [f"KT. {head}", _upper(issuer.deputy_title)]
    elif auth == "acting":
        lines.append(f"Q. {head}")
    else:
        if not signer.title:
            raise DataError(_("người ký thừa lệnh/thừa ủy quyền cần 'title' (chức danh của mình)"), place)
        prefix = "TL." if auth == "by_order" else "TUQ."
        lines += [f"{prefix} {head}", _upper(signer.title)]
    return lines
