#!/usr/bin/env python3
"""Checks of smbconform's grading outputs against its JSON report (used by the grading_*_test.sh CTest tests).

  grading_check.py junit REPORT.json JUNIT.xml     counts of the JUnit file == the JSON summary
  grading_check.py html REPORT.json DOM.html       numbers the rendered page shows == the JSON score
  grading_check.py pcaps PCAP_DIR                  tshark: no error-severity malformed frame, every TCP payload
                                                   frame decodes as SMB/SMB2; deliberately malformed frames (listed
                                                   by the runner in PCAP_DIR/malformed.json) are excluded and printed
  grading_check.py same REPORT_A.json REPORT_B.json   same verdict per scenario, summary and requirement roll-up
  grading_check.py diff DIFF.json                  no status-level difference without an expectation explaining it
"""
import bisect
import glob
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def junit(report_file, junit_file):
    rep = json.load(open(report_file))
    s = rep["summary"]
    root = ET.parse(junit_file).getroot()
    cases = root.findall("./testsuite/testcase")
    got = {
        "tests": len(cases),
        "fail": sum(1 for c in cases if c.find("failure") is not None),
        "unsupported": sum(1 for c in cases if c.find("skipped") is not None),
        "ungraded": sum(1 for c in cases if c.find("error") is not None),
    }
    want = {"tests": len(rep["scenarios"]), "fail": s["fail"], "unsupported": s["unsupported"], "ungraded": s["ungraded"]}
    if got != want:
        fail("JUnit counts %s != JSON %s" % (got, want))
    attrs = {k: int(root.get(k)) for k in ("tests", "failures", "skipped", "errors")}
    if attrs != {"tests": want["tests"], "failures": want["fail"], "skipped": want["unsupported"], "errors": want["ungraded"]}:
        fail("<testsuites> attributes %s != JSON %s" % (attrs, want))
    ids = sorted(c.get("name") for c in cases)
    if ids != sorted(x["id"] for x in rep["scenarios"]):
        fail("JUnit testcase names differ from the JSON scenario ids")
    print("junit ok: %s" % want)


class Numbers(HTMLParser):
    """Collects the text of every element carrying data-target + data-metric."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.values = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        key = None
        if "data-metric" in a and "data-target" in a:
            key = (a["data-target"], a.get("data-section") or a.get("data-level") and "level:" + a["data-level"], a["data-metric"])
        self.stack.append([tag, key, ""])

    def handle_endtag(self, tag):
        while self.stack:
            t, key, text = self.stack.pop()
            if key is not None:
                self.values[key] = text.strip()
            if self.stack:
                self.stack[-1][2] += text
            if t == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2] += data


def shown(v):
    if v is None:
        return "\u2013"
    if isinstance(v, float):
        return "%.1f%%" % (v * 100)
    return str(v)


def html(report_file, dom_file):
    rep = json.load(open(report_file))
    p = Numbers()
    p.feed(open(dom_file, encoding="utf-8").read())
    sc = rep["score"]
    checked = 0
    metrics = ("conformance", "coverage", "pass", "non_strict", "fail", "unsupported", "ungraded")
    for m in metrics:
        key = ("0", "TOTAL", m)
        if key in p.values:
            if p.values[key] != shown(sc["total"][m]):
                fail("TOTAL %s: page shows %r, JSON says %r" % (m, p.values[key], shown(sc["total"][m])))
            checked += 1
    for sec, c in sc["sections"].items():
        for m in metrics:
            key = ("0", sec, m)
            if key not in p.values:
                fail("the page shows no %s for section %s" % (m, sec))
            if p.values[key] != shown(c[m]):
                fail("section %s %s: page shows %r, JSON says %r" % (sec, m, p.values[key], shown(c[m])))
            checked += 1
    for lvl, c in sc["levels"].items():
        for m in metrics:
            key = ("0", "level:" + lvl, m)
            if key not in p.values:
                fail("the page shows no %s for level %s" % (m, lvl))
            if p.values[key] != shown(c[m]):
                fail("level %s %s: page shows %r, JSON says %r" % (lvl, m, p.values[key], shown(c[m])))
            checked += 1
    if checked < 10:
        fail("only %d numbers found on the page" % checked)
    print("html ok: %d numbers match the JSON (%d sections, %d levels)" % (checked, len(sc["sections"]), len(sc["levels"])))


def pcap_frame_count(path):
    """Records in a classic pcap file (libpcap format: 24-byte global header, 16-byte record headers)."""
    b = open(path, "rb").read()
    if len(b) < 24:
        fail("%s: not a pcap file" % path)
    order = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
             b"\xa1\xb2\x3c\x4d": ">"}.get(b[:4])
    if order is None:
        fail("%s: not a pcap file (magic %s)" % (path, b[:4].hex()))
    n, off = 0, 24
    while off + 16 <= len(b):
        incl = int.from_bytes(b[off + 8:off + 12], "little" if order == "<" else "big")
        off += 16 + incl
        n += 1
    if off != len(b):
        fail("%s: truncated record" % path)
    return n


def pcaps(d):
    malformed = json.load(open(os.path.join(d, "malformed.json")))
    files = sorted(glob.glob(os.path.join(d, "*.pcap")))
    if not files:
        fail("no captures in " + d)
    bad = []
    excluded = []
    flt = '(_ws.malformed && _ws.expert.severity >= "error") || (tcp.len > 0 && !smb2 && !smb)'
    # One tshark over all captures, concatenated in order (mergecap -a), instead of one tshark per file: tshark's
    # start-up is most of its cost. Every capture opens each connection with its own SYN and ISNs of its own
    # (pcap_writer.cpp initial_seq), so a client port that repeats across files starts a new TCP stream instead of
    # looking like a retransmission (it did while every capture used the same ISNs: an intermittent failure here
    # whenever two lanes' ephemeral client ports met). Frame numbers map back to (file, frame) by the files' counts.
    counts = [pcap_frame_count(f) for f in files]
    merged = os.path.join(d, "..", "all-captures.pcap")
    subprocess.run(["mergecap", "-a", "-F", "pcap", "-w", merged] + files, check=True)
    out = subprocess.run(["tshark", "-r", merged, "-Y", flt, "-T", "fields", "-e", "frame.number"],
                         capture_output=True, text=True, check=True).stdout.split()
    os.remove(merged)
    starts, total = [], 0
    for c in counts:
        starts.append(total)
        total += c
    for n in map(int, out):
        i = bisect.bisect_right(starts, n - 1) - 1
        name, frame = os.path.basename(files[i]), n - starts[i]
        deliberate = set(malformed.get(name, []))
        (excluded if frame in deliberate else bad).append("%s#%d" % (name, frame))
    print("deliberately malformed frames (send_raw / patched by the scenario), not counted: " + (", ".join(excluded) or "none"))
    if bad:
        fail("frames tshark reports malformed (error severity) or not SMB/SMB2: " + ", ".join(bad))
    print("pcaps ok: %d captures, every frame decodes" % len(files))


def same(a_file, b_file):
    a, b = json.load(open(a_file)), json.load(open(b_file))
    va = {s["id"]: s["verdict"] for s in a["scenarios"]}
    vb = {s["id"]: s["verdict"] for s in b["scenarios"]}
    if va != vb:
        diffs = sorted(set(va.items()) ^ set(vb.items()))
        fail("verdicts differ: %s" % diffs[:20])
    for k in ("summary", "requirements", "score"):
        if a[k] != b[k]:
            fail(k + " differs")
    print("same ok: %d scenarios" % len(va))


def diff(f):
    d = json.load(open(f))
    unexplained = [s["id"] for s in d["scenarios"] if s.get("status_level") and not s.get("explained_by")]
    for s in d["scenarios"]:
        if s.get("explained_by"):
            print("explained: %s (%s)" % (s["id"], "; ".join(s["explained_by"])[:160]))
    if unexplained:
        fail("differences no expectation file explains: " + ", ".join(unexplained))
    print("diff ok: %d scenarios compared, %d differ, all status-level differences explained" % (d["compared"], d["differing"]))


if __name__ == "__main__":
    cmd = sys.argv[1]
    {"junit": junit, "html": html, "pcaps": pcaps, "same": same, "diff": diff}[cmd](*sys.argv[2:])
