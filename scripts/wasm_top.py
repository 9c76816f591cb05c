#!/usr/bin/env python3
"""The largest contributors to a WASM file: functions by code size, and the same summed per crate.

Usage: scripts/wasm_top.py FILE.wasm [N]

Reads the code section and the "name" custom section (function names, present in the build
before wasm-opt strips them: target/wasm32-unknown-unknown/wasm-release/app.wasm). Without names
the functions are listed by index. Data segments are one line of their own. No tools needed
beyond Python, so the size benchmark can print it on any machine.
"""
import re
import sys
from collections import defaultdict


def leb(buf, pos):
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def sections(buf):
    if buf[:4] != b"\0asm":
        raise ValueError("not a WASM file")
    pos = 8
    while pos < len(buf):
        sid = buf[pos]
        size, pos = leb(buf, pos + 1)
        if pos + size > len(buf):
            raise ValueError("truncated section")
        yield sid, buf[pos:pos + size]
        pos += size


def imported_functions(body):
    count, pos = leb(body, 0)
    funcs = 0
    for _ in range(count):
        for _ in range(2):  # module name, field name
            n, pos = leb(body, pos)
            pos += n
        kind = body[pos]
        pos += 1
        if kind == 0:
            funcs += 1
            _, pos = leb(body, pos)
        elif kind == 1:  # table: reftype, limits
            pos += 1
            flags, pos = leb(body, pos + 0)
            _, pos = leb(body, pos)
            if flags & 1:
                _, pos = leb(body, pos)
        elif kind == 2:  # memory: limits
            flags, pos = leb(body, pos)
            _, pos = leb(body, pos)
            if flags & 1:
                _, pos = leb(body, pos)
        elif kind == 3:  # global: type, mutability
            pos += 2
        else:  # tag
            pos += 1
            _, pos = leb(body, pos)
    return funcs


def function_names(body):
    n, pos = leb(body, 0)
    if body[pos:pos + n] != b"name":
        return None
    pos += n
    names = {}
    while pos < len(body):
        kind = body[pos]
        size, pos = leb(body, pos + 1)
        if kind == 1:
            sub = body[pos:pos + size]
            count, p = leb(sub, 0)
            for _ in range(count):
                idx, p = leb(sub, p)
                ln, p = leb(sub, p)
                names[idx] = sub[p:p + ln].decode("utf-8", "replace")
                p += ln
        pos += size
    return names


ESCAPES = {"LT": "<", "GT": ">", "C": ",", "RF": "&", "LP": "(", "RP": ")", "BP": "*", "SP": "@"}


def demangle(name):
    """Rust's legacy mangling (_ZN...E) back to a path; other names are returned as they are."""
    if name.startswith("_R"):
        return demangle_v0(name)
    if not name.startswith("_ZN"):
        return name
    pos, parts = 3, []
    while pos < len(name) and name[pos] != "E":
        digits = re.match(r"\d+", name[pos:])
        if not digits:
            return name
        n = int(digits.group())
        pos += len(digits.group())
        part = name[pos:pos + n]
        pos += n
        if re.fullmatch(r"h[0-9a-f]{16}", part):
            continue
        if part.startswith("_$"):
            part = part[1:]
        part = re.sub(r"\$u([0-9a-f]+)\$", lambda m: chr(int(m.group(1), 16)), part)
        part = re.sub(r"\$([A-Z]+)\$", lambda m: ESCAPES.get(m.group(1), m.group(0)), part)
        parts.append(part.replace("..", "::"))
    return "::".join(parts)


def demangle_v0(name):
    """Rust's v0 mangling (_R...), roughly: the identifiers in order, joined by ::."""
    idents = []
    for m in re.finditer(r"(?:Cs[0-9A-Za-z]+_)?(\d+)", name[2:]):
        n = int(m.group(1))
        ident = name[2 + m.end():2 + m.end() + n]
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", ident) and len(ident) == n:
            idents.append(ident)
    return "::".join(idents) if idents else name


def crate_of(name):
    # The first path segment: "<either_of::Either<A,B> as Trait>::f" counts for either_of,
    # "<T as tachys::view::Render>::f" for tachys.
    m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    return m.group(1) if m else name


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    buf = open(path, "rb").read()
    imports, bodies, names, data = 0, [], {}, 0
    for sid, body in sections(buf):
        if sid == 2:
            imports = imported_functions(body)
        elif sid == 10:
            count, pos = leb(body, 0)
            for _ in range(count):
                size, start = leb(body, pos)
                bodies.append(size + (start - pos))
                pos = start + size
        elif sid == 11:
            data = len(body)
        elif sid == 0:
            names = function_names(body) or names
    # Shares of what the browser runs (code and data), not of the names section.
    total = sum(bodies) + data
    items = [(size, demangle(names.get(imports + i, f"function[{imports + i}]"))) for i, size in enumerate(bodies)]
    items.sort(reverse=True)
    print(f"{path}: {total} bytes, {len(bodies)} functions, code {sum(bodies)} bytes, data {data} bytes")
    print(f"\n| # | bytes | % | function |\n|---|---|---|---|")
    for rank, (size, name) in enumerate(items[:top], 1):
        print(f"| {rank} | {size} | {100 * size / total:.1f} | `{name[:110]}` |")
    per_crate = defaultdict(int)
    for size, name in items:
        per_crate[crate_of(name)] += size
    per_crate["(data segments)"] = data
    print(f"\n| # | bytes | % | crate |\n|---|---|---|---|")
    for rank, (crate, size) in enumerate(sorted(per_crate.items(), key=lambda kv: -kv[1])[:top], 1):
        print(f"| {rank} | {size} | {100 * size / total:.1f} | {crate} |")


if __name__ == "__main__":
    main()
