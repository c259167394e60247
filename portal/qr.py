"""The sign-in QR code drawn on the screen as inline SVG (no image request, sharp at any
size), made once per link."""

from __future__ import annotations

import functools
import io

import qrcode
import qrcode.image.svg


@functools.lru_cache(maxsize=256)
def qr_svg(link: str) -> str:
    image = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=10,
                        border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]  # inline: without the XML declaration
