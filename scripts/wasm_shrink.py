#!/usr/bin/env python3
"""Shrinks a WASM file without changing what it does.

Usage: scripts/wasm_shrink.py IN.wasm OUT.wasm

- Drops the custom sections (`producers`, `target_features`, names), which the browser never
  reads: binaryen keeps the first two, and they are about 200 bytes of a 270-byte chunk.
- Merges data segments that lie close together in memory. `app/build.rs` links with
  `--no-merge-data-segments` so that each page's constants can move into that page's chunk; the
  main module keeps some 5,800 segments of a few bytes each, and each costs a header. A module
  that defines its memory (the main one, instantiated before any chunk) may fill gaps of up to
  16 bytes with zeros: memory starts zeroed, and a chunk's data in such a gap is written later,
  when the chunk loads. A chunk imports the memory other chunks have already written to, so only
  segments that touch are merged there.

Merging renumbers the segments. Code names a segment by number only in `memory.init` and
`data.drop`, which compilers emit for passive segments; a file with any passive segment, or with
a segment not placed at a constant address, keeps its segments as they are.
"""
import os
import sys

from wasm_top import leb, sections  # the same folder: Python puts the script's own on the path

CUSTOM, IMPORT, MEMORY, DATA, DATA_COUNT = 0, 2, 5, 11, 12
MEMORY_IMPORT = 2
I32_CONST, END = 0x41, 0x0B
GAP_WHEN_MEMORY_IS_OURS = 16


def uleb(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        done = (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40)
        out.append(byte | (0 if done else 0x80))
        if done:
            return bytes(out)


def read_sleb(buf, pos):
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return (result - (1 << shift) if byte & 0x40 else result), pos


def imports_memory(body):
    count, pos = leb(body, 0)
    for _ in range(count):
        for _ in range(2):  # module name, field name
            n, pos = leb(body, pos)
            pos += n
        kind = body[pos]
        pos += 1
        if kind == MEMORY_IMPORT:
            return True
        if kind == 0:  # function: type index
            _, pos = leb(body, pos)
        elif kind == 1:  # table: element type, limits
            pos += 1
            flags, pos = leb(body, pos)
            _, pos = leb(body, pos)
            if flags & 1:
                _, pos = leb(body, pos)
        elif kind == 3:  # global: value type, mutability
            pos += 2
        else:
            raise ValueError(f"unknown import kind {kind}")
    return False


def active_segments(body):
    """(address, bytes) of every segment, or None when one is passive or not at a constant."""
    count, pos = leb(body, 0)
    segments = []
    for _ in range(count):
        flags, pos = leb(body, pos)
        if flags != 0 or body[pos] != I32_CONST:
            return None
        address, pos = read_sleb(body, pos + 1)
        if body[pos] != END:
            return None
        size, pos = leb(body, pos + 1)
        segments.append((address, body[pos:pos + size]))
        pos += size
    return segments


def merged(segments, max_gap):
    out = []
    for address, data in sorted(segments, key=lambda s: s[0]):
        if out:
            last_address, last_data = out[-1]
            gap = address - (last_address + len(last_data))
            if 0 <= gap <= max_gap:
                out[-1] = (last_address, last_data + b"\0" * gap + data)
                continue
        out.append((address, data))
    return out


def shrink(buf):
    parts = list(sections(buf))
    memory_is_ours = not any(sid == IMPORT and imports_memory(body) for sid, body in parts)
    data = next((body for sid, body in parts if sid == DATA), None)
    segments = active_segments(data) if data is not None else None
    if segments is not None:
        segments = merged(segments, GAP_WHEN_MEMORY_IS_OURS if memory_is_ours else 0)
    out = bytearray(buf[:8])
    for sid, body in parts:
        if sid == CUSTOM:
            continue
        if segments is not None and sid == DATA:
            body = uleb(len(segments)) + b"".join(
                b"\0" + bytes([I32_CONST]) + sleb(address) + bytes([END]) + uleb(len(d)) + d
                for address, d in segments
            )
        elif segments is not None and sid == DATA_COUNT:
            body = uleb(len(segments))
        out += bytes([sid]) + uleb(len(body)) + body
    return bytes(out)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        shrunk = shrink(f.read())
    tmp = f"{dst}.shrink-tmp"
    with open(tmp, "wb") as f:
        f.write(shrunk)
    os.replace(tmp, dst)


if __name__ == "__main__":
    main()
