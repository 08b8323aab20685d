"""The old and new PNG of a chart and a picture of where they differ."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageChops

# Changed pixels in red over a faded copy of the new chart, so the eye finds them at once.
CHANGED = (200, 16, 46)


@dataclass
class PictureDiff:
    changed_pixels: int
    total_pixels: int
    old_size: tuple[int, int]
    new_size: tuple[int, int]
    image: bytes  # PNG

    @property
    def share(self) -> float:
        return self.changed_pixels / self.total_pixels if self.total_pixels else 0.0

    def describe(self) -> str:
        size = "" if self.old_size == self.new_size else \
            f"; size {self.old_size[0]}x{self.old_size[1]} -> {self.new_size[0]}x{self.new_size[1]}"
        return f"{self.changed_pixels:,} of {self.total_pixels:,} pixels differ ({self.share:.1%}){size}"


def _on_white(data: bytes, size: tuple[int, int]) -> Image.Image:
    image = Image.open(BytesIO(data)).convert("RGBA")
    canvas = Image.new("RGBA", size, (255, 255, 255, 255))
    canvas.alpha_composite(image)
    return canvas.convert("RGB")


def difference(old_png: bytes, new_png: bytes) -> PictureDiff:
    """Compare two PNGs pixel by pixel (on white, the larger size) and draw the changed pixels."""
    old_size = Image.open(BytesIO(old_png)).size
    new_size = Image.open(BytesIO(new_png)).size
    size = (max(old_size[0], new_size[0]), max(old_size[1], new_size[1]))
    old, new = _on_white(old_png, size), _on_white(new_png, size)
    mask = ImageChops.difference(old, new).convert("L").point(lambda v: 255 if v else 0)
    changed = mask.histogram()[255]
    faded = new.convert("L").point(lambda v: 255 - (255 - v) // 4).convert("RGB")
    picture = Image.composite(Image.new("RGB", size, CHANGED), faded, mask)
    out = BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return PictureDiff(changed, size[0] * size[1], old_size, new_size, out.getvalue())
