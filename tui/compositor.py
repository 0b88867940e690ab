"""Wide characters drawn over other widgets stay whole (Textual 8.2 cuts them in two).

Textual draws each line of the screen in pieces cut wherever a widget on that line begins or
ends, hidden widgets included, and a double-width character that straddles a cut comes out as
two blanks. A toast over the dashboard lost the character over a panel's edge ("已确  交接"), a
dropdown the first character of an option over the edge of a label under it ("  选择"). Open
upstream as Textualize/textual#6357; drop this module once Textual cuts only where it must.

`WholeCharacterCompositor` cuts a line only at the edges of what is seen: an edge that lies
inside a widget drawn over it is no cut. A piece of a widget that is hidden by one in front is
not drawn, as before; nothing else changes."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from typing import cast

import textual.screen
from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip


class CoveredSpans:
    """The cells of one line that widgets in front cover, as sorted, merged spans."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def inside(self, x: int) -> bool:
        """Cells x-1 and x are both covered: an edge at x is hidden."""
        index = bisect_left(self.ends, x + 1)
        return index < len(self.starts) and self.starts[index] < x

    def add(self, start: int, end: int) -> None:
        first = bisect_left(self.ends, start)
        last = bisect_left(self.starts, end + 1)
        if first < last:
            start = min(start, self.starts[first])
            end = max(end, self.ends[last - 1])
        self.starts[first:last] = [start]
        self.ends[first:last] = [end]


class WholeCharacterCompositor(Compositor):
    """Textual's compositor, cutting lines only where what is drawn changes."""

    @property
    def cuts(self) -> list[list[int]]:
        if self._cuts is not None:
            return self._cuts
        width, height = self.size
        cuts = [[0, width] for _ in range(height)]
        covered = [CoveredSpans() for _ in range(height)]
        # Front to back: a widget's edge is a cut unless a widget in front covers both its sides.
        for region, clip in self.visible_widgets.values():
            x, y, region_width, region_height = region.intersection(clip)
            if not (region_width and region_height):
                continue
            right = x + region_width
            for line in range(max(y, 0), min(y + region_height, height)):
                seen = covered[line]
                line_cuts = cuts[line]
                if not seen.inside(x):
                    line_cuts.append(x)
                if not seen.inside(right):
                    line_cuts.append(right)
                seen.add(x, right)
        self._cuts = [sorted(set(line_cuts)) for line_cuts in cuts]
        return self._cuts

    def _render_chops(
        self, crop: Region, is_rendered_line: Callable[[int], bool]
    ) -> Sequence[Mapping[int, Strip]]:
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(line_cuts[:-1]) for line_cuts in cuts]
        for region, clip, strips in self._get_renders(crop):
            render_region = region.intersection(clip)
            left, right = render_region.column_span
            for y, strip in zip(render_region.line_range, strips, strict=False):
                if not is_rendered_line(y):
                    continue
                line_cuts = cuts[y]
                start = bisect_left(line_cuts, left)
                stop = bisect_left(line_cuts, right)
                keys = line_cuts[start:stop]
                if not keys:
                    continue  # wholly under a widget in front
                ends = [*keys[1:], right]
                offsets = [end - left for end in ends]
                if keys[0] > left:
                    # Its left edge is under a widget in front, whose cells run to the first cut.
                    pieces = strip.divide([keys[0] - left, *offsets])[1:]
                else:
                    pieces = strip.divide(offsets)
                line = chops[y]
                for index, (cut, piece) in enumerate(zip(keys, pieces, strict=False)):
                    # A piece shorter than its chop ends under a widget in front, which fills it.
                    if line_cuts[start + index + 1] == ends[index] and line[cut] is None:
                        line[cut] = piece
        # Every chop is filled on a full render: the screen itself is under everything.
        return cast("Sequence[Mapping[int, Strip]]", chops)


def keep_wide_characters_whole() -> None:
    """Give every screen made from now on the compositor above (Screen makes its own).

    Only over the Textual it was written against: it replaces private methods, and a Textual
    that renamed them keeps its own compositor (tests/screens/test_overlays_80x24.py then says
    whether the cut characters came back)."""
    if all(hasattr(Compositor, name) for name in ("cuts", "_render_chops", "_get_renders")):
        textual.screen.Compositor = WholeCharacterCompositor  # type: ignore[attr-defined]
