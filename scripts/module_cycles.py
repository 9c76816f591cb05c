#!/usr/bin/env python3
"""Finds import cycles between the files of a Rust crate: `scripts/module_cycles.py domain/src`.

An edge a -> b is any `crate::…`, `super::…` or `self::…` path in a (in `use` trees and inline),
or a path starting with a child module a declares, that resolves to the file b. Prints each
cycle (strongly connected component of more than one file) with its edges; exits 1 if any;
`-v` also prints every edge."""
import os, re, sys
args = [a for a in sys.argv[1:] if not a.startswith('-')]
root = args[0] if args else 'domain/src'
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs'):
            p = os.path.join(d, f); rel = os.path.relpath(p, root)[:-3].split(os.sep)
            if rel[-1] in ('mod', 'lib'): rel = rel[:-1]
            files[tuple(rel)] = os.path.relpath(p, root)
def strip(src):
    out = []; i = 0; n = len(src)
    while i < n:
        c = src[i]
        if src.startswith('//', i):
            j = src.find('\n', i); j = n if j < 0 else j; out.append(' ' * (j - i)); i = j
        elif src.startswith('/*', i):
            j = src.find('*/', i) + 2; out.append(re.sub(r'[^\n]', ' ', src[i:j])); i = j
        elif c == 'r' and re.match(r'r#*"', src[i:i+10]) and (i == 0 or not (src[i-1].isalnum() or src[i-1]=='_')):
            m = re.match(r'r(#*)"', src[i:]); h = m.group(1); j = src.find('"' + h, i + len(m.group(0))) + 1 + len(h)
            out.append(re.sub(r'[^\n]', ' ', src[i:j])); i = j
        elif c == '"':
            j = i + 1
            while src[j] != '"':
                j += 2 if src[j] == '\\' else 1
            j += 1; out.append(re.sub(r'[^\n]', ' ', src[i:j])); i = j
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", src[i:i+4]) or (c=="'" and re.match(r"'\\u\{[0-9a-fA-F]+\}'", src[i:i+12])):
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", src[i:]); j = i + len(m.group(0)); out.append(' ' * (j - i)); i = j
        else:
            out.append(c); i += 1
    return ''.join(out)
def expand(tree):
    tree = tree.strip()
    m = re.match(r'^(.*?)\{(.*)\}$', tree, re.S)
    if not m:
        return [re.sub(r'\s+as\s+\w+$', '', tree).replace(' ', '')]
    prefix, inner = m.group(1).replace(' ', '').replace('\n', ''), m.group(2)
    parts, depth, cur = [], 0, ''
    for ch in inner:
        if ch == '{': depth += 1
        if ch == '}': depth -= 1
        if ch == ',' and depth == 0: parts.append(cur); cur = ''
        else: cur += ch
    parts.append(cur)
    res = []
    for p in parts:
        if p.strip():
            for e in expand(p): res.append(prefix + e)
    return res
edges = {}
for mod, path in files.items():
    src = strip(open(os.path.join(root, path)).read())
    children = set(re.findall(r'\bmod\s+(\w+)\s*;', src))
    # inline modules: ranges
    inline = []
    for m in re.finditer(r'\bmod\s+(\w+)\s*\{', src):
        depth = 0; j = m.end() - 1
        while True:
            if src[j] == '{': depth += 1
            elif src[j] == '}':
                depth -= 1
                if depth == 0: break
            j += 1
        inline.append((m.start(), j, m.group(1)))
    def base_at(pos):
        b = list(mod)
        for s, e, name in inline:
            if s <= pos <= e: b.append(name)
        return b
    refs = []
    for m in re.finditer(r'\buse\s+([^;]+);', src):
        for p in expand(m.group(1)): refs.append((m.start(), p))
    used_spans = [(m.start(), m.end()) for m in re.finditer(r'\buse\s+([^;]+);', src)]
    for m in re.finditer(r'(?<![\w:])((?:crate|super|self|\w+)(?:::\w+)+)', src):
        if any(s <= m.start() < e for s, e in used_spans): continue
        refs.append((m.start(), m.group(1)))
    tgt = set()
    for pos, p in refs:
        segs = [s for s in p.split('::') if s]
        if not segs: continue
        b = base_at(pos)
        if segs[0] == 'crate': abs_ = segs[1:]
        elif segs[0] in ('super', 'self'):
            cur = b[:]
            while segs and segs[0] in ('super', 'self'):
                if segs[0] == 'super': cur = cur[:-1]
                segs = segs[1:]
            abs_ = cur + segs
        elif segs[0] in children and len(b) == len(mod): abs_ = list(mod) + segs
        else: continue
        best = None
        for k in range(len(abs_), -1, -1):
            if tuple(abs_[:k]) in files: best = tuple(abs_[:k]); break
        if best is not None and best != mod: tgt.add(best)
    edges[mod] = tgt
# Tarjan
idx = {}; low = {}; st = []; on = set(); sccs = []; c = [0]
sys.setrecursionlimit(10000)
def sc(v):
    idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
    for w in edges[v]:
        if w not in idx: sc(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        comp = []
        while True:
            w = st.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(comp)
for v in sorted(edges): 
    if v not in idx: sc(v)
name = lambda m: files[m]
bad = [sorted(name(m) for m in s) for s in sccs if len(s) > 1]
if '-v' in sys.argv:
    for m in sorted(edges): print(name(m), '->', ' '.join(sorted(name(t) for t in edges[m])))
for comp in sorted(bad):
    print('CYCLE:', ' <-> '.join(comp))
    # show edges within
    cs = set(comp)
    for m in sorted(edges):
        if name(m) in cs:
            inn = sorted(name(t) for t in edges[m] if name(t) in cs)
            if inn: print('   ', name(m), '->', ', '.join(inn))
print(f'{len(bad)} cycle(s) among {len(files)} files')
sys.exit(1 if bad else 0)
