"""Write generator/word/resources/tnr_widths.json: Times New Roman advance widths, from Liberation Serif.

Liberation Serif is metric-compatible with Times New Roman, so its advance widths are the widths
Word uses. Run once by a maintainer (needs fonttools and Debian's fonts-liberation); the JSON is
committed so that neither is needed at run time.
"""

from __future__ import annotations

import json
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = {
    "regular": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "bold": "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
}
RANGES = [(0x20, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x2010, 0x2040)]


def main() -> None:
    out: dict[str, object] = {}
    for style, path in FONTS.items():
        font = TTFont(path)
        cmap = font.getBestCmap()
        hmtx = font["hmtx"]
        upem = font["head"].unitsPerEm
        widths = {}
        for lo, hi in RANGES:
            for cp in range(lo, hi):
                glyph = cmap.get(cp)
                if glyph is not None:
                    widths[chr(cp)] = round(hmtx[glyph][0] / upem, 4)
        out[style] = widths
    target = Path(__file__).resolve().parents[1] / "generator" / "word" / "resources" / "tnr_widths.json"
    target.write_text(json.dumps(out, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(target, sum(len(v) for v in out.values()), "widths")


if __name__ == "__main__":
    main()
