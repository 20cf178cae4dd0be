#!/usr/bin/env python3
"""Checks that docs/EVENTS.md documents exactly the events of win32/avs_messages.mc.

For every MessageId in the .mc there must be one section in EVENTS.md headed
    ### <ID> <SymbolicName> (<Severity>)
followed by a ```text block holding the message text exactly as the .mc has it, and an
insertion-string table with one row "| %N | ... |" for each %N the text uses (and no other).
No section may document an ID the .mc does not define.

Usage: check_events.py MC_FILE EVENTS_MD        exit 0 when they agree, 1 with the differences
       check_events.py --self-test MC EVENTS    shows that a disagreement is caught
"""
import re
import sys


def parse_mc(text):
    events = {}
    cur = None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^MessageId=(\d+)", line)
        if m:
            cur = {"id": int(m.group(1))}
        elif cur is not None and line.startswith("Severity="):
            cur["severity"] = line.split("=", 1)[1].strip()
        elif cur is not None and line.startswith("SymbolicName="):
            cur["symbol"] = line.split("=", 1)[1].strip()
        elif cur is not None and line.startswith("Language="):
            body = []
            i += 1
            while lines[i] != ".":
                body.append(lines[i])
                i += 1
            cur["text"] = "\n".join(body)
            events[cur["id"]] = cur
            cur = None
        i += 1
    return events


def parse_md(text):
    events = {}
    sections = re.split(r"^### ", text, flags=re.M)[1:]
    for sec in sections:
        head, _, body = sec.partition("\n")
        m = re.match(r"^(\d+) (\w+) \((\w+)\)\s*$", head)
        if not m:
            continue
        block = re.search(r"```text\n(.*?)\n```", body, flags=re.S)
        rows = re.findall(r"^\|\s*%(\d+)\s*\|", body, flags=re.M)
        events[int(m.group(1))] = {
            "symbol": m.group(2),
            "severity": m.group(3),
            "text": block.group(1) if block else None,
            "params": sorted(int(r) for r in rows),
        }
    return events


def compare(mc, md):
    problems = []
    for eid, ev in sorted(mc.items()):
        doc = md.get(eid)
        if doc is None:
            problems.append(f"{eid} {ev['symbol']}: not documented in EVENTS.md")
            continue
        if doc["symbol"] != ev["symbol"]:
            problems.append(f"{eid}: EVENTS.md says {doc['symbol']}, the .mc {ev['symbol']}")
        if doc["severity"] != ev["severity"]:
            problems.append(f"{eid}: EVENTS.md says {doc['severity']}, the .mc {ev['severity']}")
        if doc["text"] != ev["text"]:
            problems.append(f"{eid}: message text differs:\n  .mc: {ev['text']!r}\n  .md: {doc['text']!r}")
        used = sorted({int(n) for n in re.findall(r"%(\d+)", ev["text"])})
        if doc["params"] != used:
            problems.append(f"{eid}: insertion strings documented {doc['params']}, used {used}")
    for eid in sorted(set(md) - set(mc)):
        problems.append(f"{eid}: documented in EVENTS.md but not defined in the .mc")
    return problems


def main(argv):
    self_test = argv[1:2] == ["--self-test"]
    if self_test:
        argv = argv[:1] + argv[2:]
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    mc = parse_mc(open(argv[1], encoding="utf-8").read())
    md = parse_md(open(argv[2], encoding="utf-8").read())
    if not mc:
        print("no events found in the .mc file", file=sys.stderr)
        return 1
    if self_test:
        # Each mutation of the documentation must be reported.
        first = min(md)
        mutations = {
            "missing event": {k: v for k, v in md.items() if k != first},
            "extra event": {**md, 65535: dict(md[first])},
            "wrong severity": {**md, first: {**md[first], "severity": "Nonsense"}},
            "changed text": {**md, first: {**md[first], "text": (md[first]["text"] or "") + "x"}},
            "missing parameter": {**md, first: {**md[first], "params": md[first]["params"][:-1]}},
        }
        ok = True
        for name, mutated in mutations.items():
            if not compare(mc, mutated):
                print(f"self-test: a {name} went unnoticed")
                ok = False
        print("self-test:", "every mutation was caught" if ok else "FAILED")
        return 0 if ok else 1
    problems = compare(mc, md)
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"EVENTS.md documents all {len(mc)} events of the .mc file, texts identical")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
