#!/usr/bin/env python3
"""Time from a page file's write to the browser's reload message in `parvis serve`.

    benches/serve_latency.py SITE [--runs 9] [--template]

Starts `target/release/parvis serve SITE --port 0`, listens to its server-sent events as a
browser does, rewrites one page (or, with --template, touches a template) RUNS times, and prints
the median and the spread of write-to-`reload` times. Not a test: figures for the notes.
"""
import argparse, http.client, os, pathlib, statistics, subprocess, sys, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("site")
ap.add_argument("--runs", type=int, default=9)
ap.add_argument("--template", action="store_true", help="edit a template instead of a page")
args = ap.parse_args()

root = pathlib.Path(__file__).resolve().parent.parent
binary = root / "target" / "release" / "parvis"
site = pathlib.Path(args.site).resolve()
proc = subprocess.Popen([str(binary), "serve", str(site), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
addr = proc.stdout.readline().strip().removeprefix("serving http://").rstrip("/")
host, port = addr.split(":")

events = []
def listen():
    conn = http.client.HTTPConnection(host, int(port))
    conn.request("GET", "/__parvis/events")
    resp = conn.getresponse()
    while True:
        line = resp.fp.readline()
        if not line:
            return
        if line.startswith(b"event: reload") or line.startswith(b"event: error-report"):
            events.append((time.perf_counter(), line.decode().strip()))
threading.Thread(target=listen, daemon=True).start()
time.sleep(1.0)

if args.template:
    target = site / "templates" / "page.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    base = '{% extends "base.html" %}'
else:
    pages = sorted((site / "content").rglob("*.md"))
    target = next(p for p in pages if p.name != "_index.md")
    base = target.read_text(encoding="utf-8")

times = []
for i in range(args.runs):
    before = len(events)
    body = base + f"\n<!-- edit {i} -->\n" if args.template else base + f"\n\nEdit number {i}.\n"
    start = time.perf_counter()
    target.write_text(body, encoding="utf-8")
    while len(events) == before:
        if time.perf_counter() - start > 120:
            sys.exit("no reload message within 120 s")
        time.sleep(0.001)
    times.append((events[before][0] - start) * 1000)
    time.sleep(0.5)

if args.template:
    target.unlink()
else:
    target.write_text(base, encoding="utf-8")
proc.terminate()
print(f"{'template' if args.template else 'page'} edit -> reload: median {statistics.median(times):.0f} ms, "
      f"min {min(times):.0f} ms, max {max(times):.0f} ms over {len(times)} edits")
