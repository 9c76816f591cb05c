#!/usr/bin/env python3
"""Checks that no page of the UI imports another page: `scripts/page_imports.py app/src`.

A page is a file that defines a component the router shows (`lazy_page!(…, crate::…::SomePage)`,
`view=SomePage` or `<SomePage/>` in root.rs; layouts, which frame pages, are not pages). From each page, every file it imports — directly or
through the shared parts it imports — is followed (edges as `scripts/module_cycles.py -v` finds
them); reaching another page is an error. Prints the pages and exits 1 on any such import."""
import os, re, subprocess, sys

root = next((a for a in sys.argv[1:] if not a.startswith('-')), 'app/src')
here = os.path.dirname(os.path.abspath(__file__))
out = subprocess.run([sys.executable, os.path.join(here, 'module_cycles.py'), root, '-v'], capture_output=True, text=True).stdout
edges = {}
for line in out.splitlines():
    if ' -> ' in line and not line.startswith((' ', 'CYCLE')):
        a, _, bs = line.partition(' -> ')
        edges[a.strip()] = bs.split()

def file_of(path):
    """The file a `crate::a::b::Item` path names (longest prefix that is a module file)."""
    segs = path.split('::')[1:-1]
    for k in range(len(segs), 0, -1):
        for cand in ('/'.join(segs[:k]) + '.rs', '/'.join(segs[:k]) + '/mod.rs'):
            if os.path.exists(os.path.join(root, cand)):
                return cand
    return None

routes = open(os.path.join(root, 'root.rs')).read()
# Components the router shows: page paths in lazy_page! lines, and names used as route views.
paths = set(re.findall(r'lazy_page!\([^)]*?(crate(?:::\w+)+)\)', routes))
names = set(re.findall(r'view=(\w+)\s*/?>', routes)) | set(re.findall(r'<([A-Z]\w*Page|NotFound)\b', routes))
# Layouts (the shell, the admin tabs) frame pages and are not pages themselves.
names = {n for n in names if not n.endswith('Layout')}
pages = {f for f in (file_of(p) for p in paths) if f}
for name in names:
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            if f.endswith('.rs') and re.search(r'#\[component\]\s*pub fn ' + name + r'\b', open(p).read()):
                pages.add(os.path.relpath(p, root))
pages.discard('root.rs')
bad = []
for page in sorted(pages):
    seen, todo = set(), list(edges.get(page, []))
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        if f in pages and f != page:
            bad.append((page, f))
        todo.extend(edges.get(f, []))
print('pages:', ' '.join(sorted(pages)))
for a, b in bad:
    print(f'PAGE IMPORT: {a} reaches {b}')
print(f'{len(bad)} page-to-page import(s) among {len(pages)} pages')
sys.exit(1 if bad else 0)
