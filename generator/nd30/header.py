"""The agency names of the header: a name too wide for its cell goes over lines at a word boundary."""

from __future__ import annotations

from collections.abc import Callable

# Where a Vietnamese agency name reads best broken: after a comma, or before the word that starts
# its second part ("SỞ NÔNG NGHIỆP / VÀ MÔI TRƯỜNG", "BAN QUẢN LÝ / CÁC KHU CÔNG NGHIỆP",
# "ỦY BAN NHÂN DÂN / TỈNH TÂY NINH"); breaking inside a compound word ("THỂ / THAO") is the last resort.
BREAK_BEFORE = {"VÀ", "CÁC", "TỈNH", "THÀNH", "HUYỆN", "QUẬN", "THỊ", "XÃ", "PHƯỜNG", "ĐẶC", "TRÊN", "THUỘC"}


def _good_break(words: list[str], at: int) -> bool:
    """Whether a line break before words[at] falls at a natural place."""
    return words[at - 1].endswith((",", ";")) or words[at].upper() in BREAK_BEFORE


def wrap_name(text: str, width_mm: float, measure: Callable[[str], float]) -> list[str]:
    """`text` as the lines it is printed on in a cell `width_mm` wide (`measure` gives a line's
    printed width): one line when it fits, else as few lines as fit, broken at the most natural
    word boundaries and, among those, as evenly as possible (the rule under the name is then sized
    from the longest line)."""
    words = text.split()
    if measure(text) <= width_mm or len(words) < 2:
        return [text]
    # Two lines: every boundary where both parts fit; natural breaks first, then the most even.
    fits = [
        (not _good_break(words, at), max(measure(" ".join(words[:at])), measure(" ".join(words[at:]))), at)
        for at in range(1, len(words))
    ]
    fitting = [f for f in fits if f[1] <= width_mm]
    if fitting:
        _, _, at = min(fitting)
        return [" ".join(words[:at]), " ".join(words[at:])]
    # Longer still: fill each line up to its last natural break that fits (else its last word that fits).
    lines: list[str] = []
    start = 0
    while start < len(words):
        end = start + 1
        best = None
        while end <= len(words) and measure(" ".join(words[start:end])) <= width_mm:
            if end == len(words) or _good_break(words, end):
                best = end
            end += 1
        stop = best or max(end - 1, start + 1)
        lines.append(" ".join(words[start:stop]))
        start = stop
    return lines
