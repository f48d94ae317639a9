#!/usr/bin/env python3
"""Adds or replaces catalog entries in both languages, then run generate-messages.py.

Usage: python3 Scripts/add-messages.py . < entries.py, where entries.py is a Python dict literal
{"key": ("English", "French")}. French typography (non-breaking spaces before : ; ? ! and inside
« », ’ for an apostrophe between letters) is applied to the French text.
"""

import sys, ast, pathlib, re
root = pathlib.Path(sys.argv[1])
N = "\u00a0"
def fr(s): return re.sub(r"(?<=\w)'(?=\w)", "\u2019", s).replace(" :", N+":").replace(" ;", N+";").replace(" ?", N+"?").replace(" !", N+"!").replace("« ", "«"+N).replace(" »", N+"»")
def esc(s): return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
add = ast.literal_eval(sys.stdin.read())
for lang, i in (("en", 0), ("fr", 1)):
    p = root / f"Localization/{lang}.lproj/Localizable.strings"
    text = p.read_text(encoding="utf-8")
    header, _, body = text.partition("\n\n")
    entries = dict(re.findall(r'^"((?:[^"\\]|\\.)+)"\s*=\s*"((?:[^"\\]|\\.)*)";', body, re.M))
    for k, v in add.items():
        entries[k] = esc(v[i] if lang == "en" else fr(v[i]))
    out, prev = [], None
    for k in sorted(entries):
        g = k.split(".")[0]
        if prev and g != prev: out.append("")
        prev = g
        out.append(f'"{k}" = "{entries[k]}";')
    p.write_text(header + "\n\n" + "\n".join(out) + "\n", encoding="utf-8")
