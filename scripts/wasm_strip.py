#!/usr/bin/env python3
"""Copies a WASM file without its custom sections (`producers`, `target_features`, names).

Usage: scripts/wasm_strip.py IN.wasm OUT.wasm

The wasm-opt wrapper (scripts/tools/wasm-opt) uses this for files too small to be worth starting
binaryen for. Left in, these two sections, which the browser never reads, are most of such a
file: about 200 bytes of a 270-byte chunk. Nothing else in the file changes.
"""
import os
import sys

from wasm_top import leb  # the same folder: Python puts the script's own on the path


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
