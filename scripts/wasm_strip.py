#!/usr/bin/env python3
"""Copies a WASM file without its custom sections (`producers`, `target_features`, names).

Usage: scripts/wasm_strip.py IN.wasm OUT.wasm

The split build makes hundreds of tiny chunks that `scripts/tools/wasm-opt` does not optimize
(binaryen would cost seconds per file). Left as the splitter wrote them, most of their bytes are
these two custom sections, which the browser never reads: about 200 bytes of a 300-byte chunk,
and the customer list alone fetches some 240 such chunks. Nothing else in the file changes.
"""
import os
import sys


def leb(buf, pos):
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def without_custom_sections(buf):
    if buf[:4] != b"\0asm":
        raise ValueError("not a WASM file")
    out = bytearray(buf[:8])
    pos = 8
    while pos < len(buf):
        section_id = buf[pos]
        size, body = leb(buf, pos + 1)
        end = body + size
        if end > len(buf):
            raise ValueError("truncated section")
        if section_id != 0:
            out += buf[pos:end]
        pos = end
    return bytes(out)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        stripped = without_custom_sections(f.read())
    tmp = f"{dst}.strip-tmp"
    with open(tmp, "wb") as f:
        f.write(stripped)
    os.replace(tmp, dst)


if __name__ == "__main__":
    main()
