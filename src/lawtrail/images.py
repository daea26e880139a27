"""Decoding pictures strictly. WeasyPrint sets Pillow's process-wide ``LOAD_TRUNCATED_IMAGES`` on
import (to print what it can of a damaged picture), which would let a cut-off photo or signature
image pass any check made after a PDF was rendered. ``load_strictly`` decodes with it off."""

from __future__ import annotations

import threading

from PIL import Image, ImageFile

_lock = threading.Lock()


def load_strictly(im: Image.Image) -> None:
    """``im.load()``, raising OSError for a truncated file whatever WeasyPrint set."""
    with _lock:
        lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            im.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient
