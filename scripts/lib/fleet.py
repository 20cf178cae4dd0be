#!/usr/bin/env python3
"""scripts/lib/fleet.py — a synthetic fleet's Event Log exports, made from the events of real
AvSwap runs under Wine, for scripts/bench-report.

  fleet.py --machines N --files F --out DIR SCENARIO=EVENTS.jsonl...

Each EVENTS.jsonl is one real run's trail as scripts/lib/events.sh's avs_events_json prints it
(one {"id","full","type","strings"} object a line, in order). Scenario names used:
  compliant   a scan of a clean machine        (every machine has some: daily scans)
  found       a scan that finds prohibited software
  removed     a removal and its replacement    (then compliant scans)
  failed      a removal that failed
  reboot      a removal waiting for a restart
  audit       a dry run (audit only)
  blocked     a run the safety rules blocked
Machine i gets one story (found+removed, failed, reboot, audit, blocked, or only compliant
scans) and daily compliant scans around it, about 20 events in all. In each copy of a run the
machine's name, the run ID (every UUID), the times and the journal's "seq N, SHA-256 H"
strings are the machine's own: seqs go on from run to run, as one machine's journal does.
Writes DIR/fleet-NN.xml, F files of events back to back with no root element, as
`wevtutil qe /f:xml` writes them (UTF-8; the last file UTF-16LE with a BOM, as a PowerShell
redirect writes it), and prints "machines M events E bytes B"."""
import argparse
import datetime
import hashlib
import json
import os
import random
import re
import uuid

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
SEQ = re.compile(r"seq (\d+), SHA-256 ([0-9a-f]{64})")
LEVEL = {1: 2, 2: 3, 4: 4, 8: 0, 16: 0}
NS = "http://schemas.microsoft.com/win/2004/08/events/event"


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;")


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def host_of(events):
    for e in events:
        if e["id"] == 2000 and len(e["strings"]) > 1:
            return e["strings"][1]
    return None


class Machine:
    def __init__(self, i, rng, start):
        self.name = "PC-%05d" % i
        self.fqdn = self.name + ".corp.example"
        self.seq = rng.randrange(0, 40)
        self.t = start + datetime.timedelta(seconds=rng.randrange(0, 86400))
        self.rng = rng

    def run(self, events, host):
        """One copy of a run: its events as (time, id, full, type, strings)."""
        ids = {}
        out = []
        seqmap = {}
        name = re.compile(r"\b%s\b" % re.escape(host)) if host else None
        for e in events:
            strings = []
            for s in e["strings"]:
                if name:
                    s = name.sub(self.name, s)
                s = UUID.sub(lambda m: ids.setdefault(m.group(0), str(uuid.UUID(int=self.rng.getrandbits(128), version=4))), s)

                def seq(m):
                    old = int(m.group(1))
                    if old not in seqmap:
                        self.seq += 1
                        seqmap[old] = self.seq
                    n = seqmap[old]
                    return "seq %d, SHA-256 %s" % (n, hashlib.sha256(("%s/%d" % (self.name, n)).encode()).hexdigest())

                strings.append(SEQ.sub(seq, s))
            self.t += datetime.timedelta(milliseconds=self.rng.randrange(20, 900))
            out.append((self.t, e["id"], e["full"], e["type"], strings))
        self.t += datetime.timedelta(days=1)
        return out


def event_xml(ev, rec, fqdn):
    t, eid, full, typ, strings = ev
    stamp = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%07dZ" % (t.microsecond * 10)
    return (
        "<Event xmlns='%s'><System><Provider Name='AvSwap'/>"
        "<EventID Qualifiers='%d'>%d</EventID><Version>0</Version><Level>%d</Level><Task>0</Task>"
        "<Opcode>0</Opcode><Keywords>0x80000000000000</Keywords><TimeCreated SystemTime='%s'/>"
        "<EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='0' ThreadID='0'/>"
        "<Channel>AvSwap</Channel><Computer>%s</Computer><Security UserID='S-1-5-18'/></System>"
        "<EventData>%s</EventData></Event>\n"
        % (NS, full // 65536, eid, LEVEL.get(typ, 4), stamp, rec, esc(fqdn),
           "".join("<Data>%s</Data>" % esc(s) for s in strings))
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--machines", type=int, required=True)
    ap.add_argument("--files", type=int, default=10)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("scenarios", nargs="+")
    a = ap.parse_args()
    runs = {}
    for s in a.scenarios:
        name, path = s.split("=", 1)
        events = load(path)
        if events:
            runs[name] = (events, host_of(events))
    if "compliant" not in runs:
        raise SystemExit("fleet.py: a 'compliant' scenario is needed")
    rng = random.Random(a.seed)
    start = datetime.datetime(2026, 11, 1, 8, 0, 0)
    stories = [(["found", "removed"], 0.14), (["found", "failed"], 0.05), (["found", "reboot"], 0.05),
               (["found", "audit"], 0.06), (["found", "blocked"], 0.04), ([], 0.66)]
    files = [open("%s/fleet-%02d.xml" % (a.out, k), "w", encoding="utf-8" if k < a.files - 1 else "utf-16-le",
                  newline="") for k in range(a.files)]
    files[-1].write("\ufeff")
    recs = [0] * a.files
    total = 0
    per_machine = 20
    for i in range(a.machines):
        m = Machine(i + 1, rng, start)
        r = rng.random()
        story = []
        for names, p in stories:
            if r < p:
                story = [n for n in names if n in runs]
                break
            r -= p
        events = []
        for n in story:
            events += m.run(*runs[n])
        while len(events) < per_machine - len(runs["compliant"][0]) // 2:
            events += m.run(*runs["compliant"])
        k = i % a.files
        for ev in events:
            recs[k] += 1
            files[k].write(event_xml(ev, recs[k], m.fqdn))
        total += len(events)
    for f in files:
        f.close()
    size = sum(os.path.getsize("%s/fleet-%02d.xml" % (a.out, k)) for k in range(a.files))
    print("machines %d events %d bytes %d" % (a.machines, total, size))


if __name__ == "__main__":
    main()
