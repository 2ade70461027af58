#!/usr/bin/env python3
"""Draws the package icon (128x128 PNG: a padlock over a chip on a navy tile) without any imaging library.
Run from the repository root: python3 eng/package/make-icon.py  (writes eng/package/icon.png)."""
import math, struct, zlib, os

N = 128
NAVY, TEAL, WHITE, CLEAR = (16, 37, 66, 255), (0, 168, 150, 255), (255, 255, 255, 255), (0, 0, 0, 0)

def inside_rounded(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1

def pixel(x, y):
    px, py = x + 0.5, y + 0.5
    if not inside_rounded(px, py, 2, 2, N - 2, N - 2, 22):
        return CLEAR
    # Chip pins: short teal bars on all four sides of the lock body's square.
    for i in range(4):
        c = 40 + i * 16
        if (c - 3 <= px <= c + 3) and (14 <= py <= 26 or N - 26 <= py <= N - 14):
            return TEAL
        if (c - 3 <= py <= c + 3) and (14 <= px <= 26 or N - 26 <= px <= N - 14):
            return TEAL
    # Shackle: a half ring above the body.
    d = math.hypot(px - 64, py - 58)
    if 18 <= d <= 27 and py <= 58:
        return WHITE
    if (37 <= px <= 46 or 82 <= px <= 91) and 58 <= py <= 66:
        return WHITE
    # Body with a teal keyhole.
    if inside_rounded(px, py, 30, 62, 98, 106, 8):
        if math.hypot(px - 64, py - 78) <= 6 or (61 <= px <= 67 and 78 <= py <= 94):
            return TEAL
        return WHITE
    return NAVY

rows = b"".join(b"\x00" + bytes(c for x in range(N) for c in pixel(x, y)) for y in range(N))

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "icon.png"), "wb") as f:
    f.write(png)
