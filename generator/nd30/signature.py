"""The signature block: authority prefix and titles (TM./KT./TL./TUQ./Q.) from the signer's role."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    return lines + [_upper(t) for t in signer.also]


# --- reading -----------------------------------------------------------------------------------
PREFIXES = {"TM.": "collective", "KT.": "deputy", "Q.": "acting", "TL.": "by_order", "TUQ.": "by_delegation"}
_PREFIX_RE = re.compile(r"^(?P<prefix>TM|KT|Q|TL|TUQ)\s*\.\s*(?P<title>.+)$")


def parse_authority(line: str) -> tuple[str | None, str]:
    """`KT. GIÁM ĐỐC` → (KT., GIÁM ĐỐC); `CHỦ TỊCH` → (None, CHỦ TỊCH)."""
    m = _PREFIX_RE.match(" ".join(line.split()))
    if not m:
        return None, " ".join(line.split())
    return m["prefix"] + ".", m["title"].strip()


@dataclass
class SignatureReading:
    """The signature block read back: what authority_lines() needs to print it again."""

    authority: str  # head | deputy | acting | by_order | by_delegation
    head_title: str  # as printed (capitals): GIÁM ĐỐC
    deputy_title: str | None = None
    collective: str | None = None  # ỦY BAN NHÂN DÂN of "TM. ỦY BAN NHÂN DÂN"
    own_title: str | None = None  # the signer's title under TL./TUQ.
    lines: int = 0  # how many lines of the cell are the authority (the rest: name, notes)


def read_authority(lines: list[str]) -> SignatureReading | None:
    """The inverse of authority_lines(): the authority and titles from the block's first lines."""
    caps = [" ".join(ln.split()) for ln in lines]
    if not caps:
        return None
    i = 0
    collective = None
    prefix, title = parse_authority(caps[0])
    if prefix == "TM.":
        collective, i = title, 1
        if i >= len(caps):
            return SignatureReading("head", title, collective=None, lines=1)
        prefix, title = parse_authority(caps[i])
    nxt = caps[i + 1] if i + 1 < len(caps) and caps[i + 1].isupper() else None
    if prefix is None:
        return SignatureReading("head", title, collective=collective, lines=i + 1)
    if prefix == "Q.":
        return SignatureReading("acting", title, collective=collective, lines=i + 1)
    if prefix == "KT.":
        return SignatureReading("deputy", title, nxt, collective, lines=i + 1 + (nxt is not None))
    authority = "by_order" if prefix == "TL." else "by_delegation"
    return SignatureReading(authority, title, collective=collective, own_title=nxt, lines=i + 1 + (nxt is not None))
