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


B62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
BASIC = {"a": "i8", "b": "bool", "c": "char", "d": "f64", "e": "str", "f": "f32", "h": "u8", "i": "isize",
         "j": "usize", "l": "i32", "m": "u32", "n": "i128", "o": "u128", "s": "i16", "t": "u16", "u": "()",
         "v": "...", "x": "i64", "y": "u64", "z": "!", "p": "_"}


class V0:
    """Rust's v0 mangling (_R...): a path back to text, and the crate its code was written in."""

    def __init__(self, s):
        self.s, self.pos, self.depth = s, 0, 0

    def peek(self):
        return self.s[self.pos] if self.pos < len(self.s) else ""

    def take(self, c):
        if self.peek() == c:
            self.pos += 1
            return True
        return False

    def next(self):
        c = self.peek()
        if not c:
            raise ValueError("end")
        self.pos += 1
        return c

    def base62(self):
        if self.take("_"):
            return 0
        n = 0
        while True:
            c = self.next()
            if c == "_":
                return n + 1
            n = n * 62 + B62.index(c)

    def decimal(self):
        m = re.match(r"0|[1-9]\d*", self.s[self.pos:])  # no leading zeros: "00" is two numbers
        if not m:
            raise ValueError("number")
        self.pos += len(m.group())
        return int(m.group())

    def ident(self):
        if self.take("s"):
            self.base62()
        self.take("u")
        n = self.decimal()
        self.take("_")
        text = self.s[self.pos:self.pos + n]
        self.pos += n
        return text

    def backref(self, parse):
        target = self.base62()
        saved = self.pos
        self.pos = target
        self.depth += 1
        if self.depth > 64:
            raise ValueError("deep")
        result = parse()
        self.depth -= 1
        self.pos = saved
        return result

    def path(self):
        """(text, crate)"""
        c = self.next()
        if c == "C":
            name = self.ident()
            return name, name
        if c == "N":
            ns = self.next()
            inner, crate = self.path()
            name = self.ident()
            if ns == "C":
                name = "{closure}"
            elif ns == "S":
                name = "{shim}"
            return (f"{inner}::{name}" if name else inner), crate
        if c == "M":
            if self.take("s"):
                self.base62()
            _, crate = self.path()
            ty = self.type_()
            return f"<{ty}>", crate
        if c == "X":
            if self.take("s"):
                self.base62()
            _, crate = self.path()
            ty = self.type_()
            trait, _ = self.path()
            return f"<{ty} as {trait}>", crate
        if c == "Y":
            ty = self.type_()
            trait, crate = self.path()
            return f"<{ty} as {trait}>", crate
        if c == "I":
            inner, crate = self.path()
            args = []
            while not self.take("E"):
                args.append(self.generic_arg())
            return f"{inner}<{', '.join(a for a in args if a)}>", crate
        if c == "B":
            return self.backref(self.path)
        raise ValueError(f"path {c}")

    def generic_arg(self):
        if self.take("L"):
            self.base62()
            return ""
        if self.take("K"):
            return self.const()
        return self.type_()

    def const(self):
        if self.take("B"):
            return self.backref(self.const)
        if self.take("p"):
            return "_"
        self.type_()
        self.take("n")
        digits = re.match(r"[0-9a-f]*", self.s[self.pos:]).group()
        self.pos += len(digits)
        if not self.take("_"):
            raise ValueError("const")
        return str(int(digits, 16)) if digits else "0"

    def type_(self):
        c = self.peek()
        if c in BASIC:
            self.pos += 1
            return BASIC[c]
        if c in "CMXYNI":
            return self.path()[0]
        self.pos += 1
        if c == "B":
            return self.backref(self.type_)
        if c == "A":
            t = self.type_()
            return f"[{t}; {self.const()}]"
        if c == "S":
            return f"[{self.type_()}]"
        if c == "T":
            items = []
            while not self.take("E"):
                items.append(self.type_())
            return f"({', '.join(items)})"
        if c in "RQ":
            if self.take("L"):
                self.base62()
            return ("&" if c == "R" else "&mut ") + self.type_()
        if c in "PO":
            return ("*const " if c == "P" else "*mut ") + self.type_()
        if c == "F":
            if self.take("G"):
                self.base62()
            self.take("U")
            if self.take("K"):
                if not self.take("C"):
                    self.ident()
            args = []
            while not self.take("E"):
                args.append(self.type_())
            ret = self.type_()
            return f"fn({', '.join(args)}) -> {ret}"
        if c == "D":
            if self.take("G"):
                self.base62()
            bounds = []
            while not self.take("E"):
                bound = self.path()[0]
                while self.take("p"):
                    self.ident()
                    self.type_()
                bounds.append(bound)
            if self.take("L"):
                self.base62()
            return "dyn " + " + ".join(bounds)
        raise ValueError(f"type {c}")


def demangle_v0(name):
    """(text, crate) of a v0 name, or (name, None) when it cannot be read."""
    body = re.sub(r"\.llvm\.\d+$", "", name)[2:]
    m = re.match(r"\d*", body)
    parser = V0(body[m.end():])
    try:
        return parser.path()
    except (ValueError, IndexError):
        return name, None


ESCAPES = {"LT": "<", "GT": ">", "C": ",", "RF": "&", "LP": "(", "RP": ")", "BP": "*", "SP": "@"}


def demangle(name):
    """Rust's legacy mangling (_ZN...E) back to a path; other names are returned as they are."""
    if name.startswith("_R"):
        return demangle_v0(name)[0]
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


def crate_of(name):
    """The crate a function's code was written in. v0 names (the standard library built for the
    bundle) carry it in their structure; for legacy ones the first path segment stands in:
    "<either_of::Either<A,B> as Trait>::f" counts for either_of."""
    if name.startswith("_R"):
        crate = demangle_v0(name)[1]
        if crate:
            return crate
    name = demangle(name)
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
    items = [(size, names.get(imports + i, f"function[{imports + i}]")) for i, size in enumerate(bodies)]
    items.sort(reverse=True)
    print(f"{path}: {total} bytes, {len(bodies)} functions, code {sum(bodies)} bytes, data {data} bytes")
    print(f"\n| # | bytes | % | function |\n|---|---|---|---|")
    for rank, (size, name) in enumerate(items[:top], 1):
        print(f"| {rank} | {size} | {100 * size / total:.1f} | `{demangle(name)[:110]}` |")
    per_crate = defaultdict(int)
    for size, name in items:
        per_crate[crate_of(name)] += size
    per_crate["(data segments)"] = data
    print(f"\n| # | bytes | % | crate |\n|---|---|---|---|")
    for rank, (crate, size) in enumerate(sorted(per_crate.items(), key=lambda kv: -kv[1])[:top], 1):
        print(f"| {rank} | {size} | {100 * size / total:.1f} | {crate} |")


if __name__ == "__main__":
    main()
