#!/usr/bin/env python3
"""Time from a file's write to the browser's reload message in `parvis serve`.

    benches/serve_latency.py SITE [--runs 9] [--title | --template [NAME]]

Starts `target/release/parvis serve SITE --port 0`, listens to its server-sent events as a
browser does, edits one file RUNS times, and prints the median and the spread of
write-to-`reload` times. What is edited:

    (default)          the body of the first page (in file-name order)
    --title            the title in that page's front matter
    --template [NAME]  templates/NAME (default page.html), a copy of the default theme's
                       template made before the server starts, with a comment added inside

Not a test: figures for the notes. The site is put back as it was at the end.
"""
import argparse, http.client, pathlib, re, statistics, subprocess, sys, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("site")
ap.add_argument("--runs", type=int, default=9)
group = ap.add_mutually_exclusive_group()
group.add_argument("--title", action="store_true", help="edit a page's title instead of its body")
group.add_argument("--template", nargs="?", const="page.html", metavar="NAME",
                   help="edit templates/NAME (default page.html) instead of a page")
args = ap.parse_args()

root = pathlib.Path(__file__).resolve().parent.parent
binary = root / "target" / "release" / "parvis"
site = pathlib.Path(args.site).resolve()

made_dir = None
if args.template:
    target = site / "templates" / args.template
    created = not target.exists()
    if not target.parent.exists():
        made_dir = target.parent
    base = target.read_text(encoding="utf-8") if not created else \
        (root / "themes" / "default" / "templates" / args.template).read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(base, encoding="utf-8")
    marker = "{% block content %}"

    def edited(i):
        comment = f"<!-- edit {i} -->"
        if marker in base:
            return base.replace(marker, marker + comment, 1)
        return base + comment + "\n"
else:
    created = False
    pages = sorted((site / "content").rglob("*.md"))
    target = next(p for p in pages if p.name != "_index.md")
    base = target.read_text(encoding="utf-8")

    def edited(i):
        if args.title:
            return re.sub(r"^title: .*$", f'title: "Edited title {i}"', base, count=1, flags=re.M)
        return base + f"\n\nEdit number {i}.\n"

proc = subprocess.Popen([str(binary), "serve", str(site), "--port", "0"], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL, text=True)
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

times = []
try:
    for i in range(args.runs):
        before = len(events)
        start = time.perf_counter()
        target.write_text(edited(i), encoding="utf-8")
        while len(events) == before:
            if time.perf_counter() - start > 120:
                sys.exit("no reload message within 120 s")
            time.sleep(0.001)
        if events[before][1] != "event: reload":
            sys.exit(f"the edit failed: {events[before][1]}")
        times.append((events[before][0] - start) * 1000)
        time.sleep(0.5)
finally:
    if created:
        target.unlink()
        if made_dir:
            made_dir.rmdir()
    else:
        target.write_text(base, encoding="utf-8")
    proc.terminate()

what = f"templates/{args.template}" if args.template else ("title" if args.title else "page body")
print(f"{what} edit -> reload: median {statistics.median(times):.0f} ms, "
      f"min {min(times):.0f} ms, max {max(times):.0f} ms over {len(times)} edits")
