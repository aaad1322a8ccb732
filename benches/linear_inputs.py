#!/usr/bin/env python3
"""Build time and peak memory against the size of one hostile page: is it linear?

    benches/linear_inputs.py [--binary target/release/parvis] [--sizes 10000,20000,40000,80000]

For each case and size N, writes a one-page site and runs `parvis build` on it once, reading
the wall time and the peak resident memory of the process from the kernel (wait4). Cases:

    headings     N identical `## Same` headings (ids same, same-1, ... same-(N-1))
    links        N working links to headings of the page, one per line
    errors       N broken links `[a](#nope)` on one single line (a failed build)

Linear means: doubling N doubles the time at most (plus a constant), and memory grows by a
bounded amount per item. Not a test: figures for the notes. Prints one table.
"""
import argparse, os, pathlib, subprocess, sys, tempfile, threading, time

ap = argparse.ArgumentParser()
root = pathlib.Path(__file__).resolve().parent.parent
ap.add_argument("--binary", default=str(root / "target" / "release" / "parvis"))
ap.add_argument("--sizes", default="10000,20000,40000,80000")
ap.add_argument("--timeout", type=float, default=120, help="seconds before a build is killed")
args = ap.parse_args()
sizes = [int(s) for s in args.sizes.split(",")]


def body(case, n):
    if case == "headings":
        return "## Same\n" * n
    if case == "links":
        return "## Target\n\n" + "".join(f"[t{i}](#target)\n\n" for i in range(n))
    if case == "errors":
        return "[a](#nope) " * n + "\n"
    raise ValueError(case)


def run(case, n):
    with tempfile.TemporaryDirectory() as tmp:
        site = pathlib.Path(tmp) / "site"
        (site / "content").mkdir(parents=True)
        (site / "site.yaml").write_text("title: Bench\nbase_url: https://bench.example/\nsearch: false\n")
        (site / "content" / "page.md").write_text(f"---\ntitle: Page\n---\n{body(case, n)}")
        start = time.monotonic()
        proc = subprocess.Popen(
            [args.binary, "build", str(site), "-q"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "CI": "true"},
        )
        # Read errors on a thread and reap with wait4, which gives the peak memory.
        out = []
        reader = threading.Thread(target=lambda: out.append(proc.stderr.read()))
        reader.start()
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > args.timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                reader.join()
                return None
            time.sleep(0.005)
        reader.join()
        stderr = out[0]
        wall = time.monotonic() - start
        code = os.waitstatus_to_exitcode(status)
        expected = 1 if case == "errors" else 0
        if code != expected:
            sys.exit(f"{case} {n}: exit {code}, expected {expected}\n{stderr[-2000:].decode(errors='replace')}")
        return wall, usage.ru_maxrss / 1024, len(stderr)


print(f"{'case':<10} {'N':>7} {'wall s':>8} {'peak MB':>8} {'stderr KB':>9}  wall/N (µs)")
for case in ["headings", "links", "errors"]:
    for n in sizes:
        got = run(case, n)
        if got is None:
            print(f"{case:<10} {n:>7} {'>' + str(int(args.timeout)):>8}  (killed)")
            continue
        wall, mb, err = got
        print(f"{case:<10} {n:>7} {wall:>8.2f} {mb:>8.1f} {err / 1024:>9.1f}  {wall / n * 1e6:>8.1f}")
