"""Load test of the triage service over loopback: POST /v1/triage (with its durable audit write)
and GET /healthz on the same server, in the same run, and their ratio.

Run: PYTHONPATH=src .venv/bin/python benchmarks/serve_load.py [--seconds 5] [--connections 4,8,16,32]
     [--baseline-src DIR] [--db-dir DIR] [--bare]
It ingests the bundled Durham sample into a temporary store, migrates a SQLite database (on disk,
WAL, synchronous=FULL: a 201 means the decision is on disk), starts `altresponse serve` in a
subprocess and drives it with `wrk` (Debian) — one client thread, so the 2-core machine keeps a
core for the server — at each connection count in turn. Bodies are the real sample calls,
round-robin. For each concurrency it prints requests/s, p50/p99 latency and the server's CPU per
request (CPU seconds / requests: steadier than req/s on a shared machine) for both endpoints,
the ratio, and the 1-minute load average; then the in-process path (Triage.decide: type map,
premise history, rules) in calls per wall and per CPU second.
--baseline-src DIR (e.g. `git archive COMMIT src | tar -x -C DIR`, give DIR/src) also serves that
source tree, with its own database, and measures it interleaved with this one: before and after
side by side under the same load. --bare also serves a bare ASGI health check (no FastAPI, same
uvicorn settings) and measures it at each concurrency: what HTTP alone costs on this machine.
Targets (issue 9): triage >= 1,000 req/s, p99 < 10 ms, >= 60% of healthz throughput;
in-process >= 100,000 calls/s. Everything is bounded: each wrk run lasts --seconds, and the
servers are killed at the end.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data/samples/durham"
CALLS = SAMPLE / "durham_dpd_cfs_2021_heart_beats_community_safety_types.csv"
BEATS = SAMPLE / "durham_police_beats_dissolved.geojson"
PROGRAM = REPO / "programs/durham-heart.yaml"
PRIORITY = {"0": 1, "1": 1, "2": 2, "3": 3, "4": 4}


def bodies(limit: int = 500) -> list[dict]:
    """Triage requests from the sample calls (what a call-taker would send)."""
    tz = ZoneInfo("America/New_York")
    out = []
    with CALLS.open(newline="") as f:
        for row in csv.DictReader(f):
            local = dt.datetime.strptime(f"{row['Call Date']} {row['Call Time']}", "%m/%d/%Y %I:%M:%S%p").replace(tzinfo=tz)
            loc = {"beat": row["Beat"]}
            if row["Longitude"]:
                loc.update(longitude=float(row["Longitude"]), latitude=float(row["Latitude"]))
            out.append({"type_desc": row["Nature"], "priority": PRIORITY.get(row["Priority"]), "location": loc,
                        "received_at": local.isoformat()})
            if len(out) >= limit:
                break
    return out


def wrk_script(path: Path, key: str, docs: list[dict]) -> Path:
    items = ",\n".join("[==[" + json.dumps(d) + "]==]" for d in docs)
    path.write_text(f"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
local bodies = {{ {items} }}
local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
local codes = {{}}
response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end
done = function(summary, latency, requests)
  io.write(string.format("P50_US %d\\nP99_US %d\\nERRORS %d\\n", latency:percentile(50), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
""")
    return path


def run_wrk(url: str, seconds: int, connections: int, script: Path | None) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        cmd[1:1] = ["-s", str(script)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    if script:
        p50, p99 = (int(re.search(rf"{k} (\d+)", out).group(1)) / 1000 for k in ("P50_US", "P99_US"))
        errors = int(re.search(r"ERRORS (\d+)", out).group(1))
    else:
        p50, p99 = (_wrk_ms(re.search(rf"^\s+{k}%\s+(\S+)", out, re.M).group(1)) for k in ("50", "99"))
        m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors = int(m.group(1)) if m else 0
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "requests": total, "errors": errors}


def _with_cpu(proc, run) -> dict:
    # Server CPU per request: less sensitive than req/s to other processes sharing the cores.
    before = sum(proc.cpu_times()[:2])
    r = run()
    r["cpu_us"] = (sum(proc.cpu_times()[:2]) - before) / max(r["requests"], 1) * 1e6
    return r


def _wrk_ms(text: str) -> float:
    n, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(n) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def in_process(docs: list[dict], store: Path, seconds: float = 3.0) -> tuple[float, float]:
    """Calls of Triage.decide on already-parsed requests (no HTTP, no database) per wall and per CPU second."""
    from altresponse.geo import load_beats
    from altresponse.program import load_program
    from altresponse.rules import compile_program
    from altresponse.serve.premises import load_premises
    from altresponse.serve.triage import Triage, TriageRequest
    from altresponse.typemap import load_typemap

    prog = load_program(PROGRAM)
    tree = compile_program(prog, as_of=dt.date(2022, 6, 1))
    t = Triage(prog, tree, load_typemap("durham"), beats=load_beats(BEATS), premises=load_premises(store, tree))
    reqs = [TriageRequest.model_validate(d) for d in docs]
    now = dt.datetime.now(dt.UTC)
    n, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for r in reqs:
            t.decide(r, now)
        n += len(reqs)
    return n / (time.perf_counter() - start), n / (time.process_time() - cpu)


def prepare_db(url: str) -> str:
    """Migrate ``url`` and return a call-taker key for it."""
    from altresponse.serve.auth import create_key
    from altresponse.serve.db import make_engine
    from altresponse.serve.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    try:
        return create_key(engine, "call_taker")
    finally:
        engine.dispose()


def start_server(src: Path, store: Path, url: str, fernet: str):
    """``altresponse serve`` from source tree ``src`` on a free port; (process, base URL)."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ALTRESPONSE_FERNET_KEY": fernet, "PYTHONPATH": str(src)}
    server = subprocess.Popen([sys.executable, "-c", "from altresponse.cli import main; main()", "serve", "--program", str(PROGRAM),
                               "--store", str(store), "--beats", str(BEATS), "--db", url, "--port", str(port),
                               "--as-of", "2022-06-01"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"server from {src} did not start in 60 s")


BARE = """
import sys, uvicorn
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"11"), (b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok":true}'})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def start_bare():
    """A bare ASGI health check under the same uvicorn settings (no FastAPI): what HTTP alone costs."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", BARE, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base, timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("bare ASGI server did not start in 30 s")


def stop(server) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def triage_rows(url: str) -> int:
    from sqlalchemy import text

    from altresponse.serve.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM audit WHERE action = 'triage'")).scalar()
    finally:
        engine.dispose()


def report(label: str, c: int, health: dict, triage: dict) -> None:
    print(f"[{label}] {c} connections, load average {triage['load']:.2f}")
    for name, r in (("GET /healthz", health), ("POST /v1/triage", triage)):
        print(f"  {name:16} {r['rps']:7,.0f} req/s   p50 {r['p50_ms']:6.2f} ms   p99 {r['p99_ms']:7.2f} ms   "
              f"server CPU {r['cpu_us']:5.0f} µs/request   ({r['requests']:,} requests, {r['errors']:,} errors)")
    print(f"  triage / healthz throughput: {triage['rps'] / health['rps']:.0%}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", default="4,8,16,32", help="Comma-separated wrk connection counts, each run in turn.")
    ap.add_argument("--baseline-src", type=Path, default=None, help="Also serve this source tree (its src/ folder), interleaved.")
    ap.add_argument("--bare", action="store_true", help="Also measure a bare ASGI health check (no FastAPI) at each concurrency.")
    ap.add_argument("--db-dir", type=Path, default=None, help="Where the SQLite files go (default: a temp dir on disk).")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 3
    import psutil

    from altresponse.ingest import ingest
    from altresponse.serve.crypto import new_key

    conns = [int(c) for c in args.connections.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="serve-load-", dir=args.db_dir or Path.home()))
    store = tmp / "store"
    ingest(CALLS, "durham", store)
    docs = bodies()
    trees = {"this": REPO / "src"} | ({"baseline": args.baseline_src.resolve()} if args.baseline_src else {})
    servers, results, bare = {}, [], None
    try:
        for label, src in trees.items():
            url = f"sqlite:///{tmp / (label + '.sqlite')}"
            key = prepare_db(url)
            proc, base = start_server(src, store, url, new_key())
            servers[label] = (proc, base, url, wrk_script(tmp / f"{label}.lua", key, docs))
            run_wrk(f"{base}/healthz", 2, 8, None)  # warm-up
        bare = start_bare() if args.bare else None
        for c in conns:
            for label, (proc, base, _, script) in servers.items():
                ps = psutil.Process(proc.pid)
                health = _with_cpu(ps, lambda: run_wrk(f"{base}/healthz", args.seconds, c, None))
                triage = _with_cpu(ps, lambda: run_wrk(f"{base}/v1/triage", args.seconds, c, script))
                triage["load"] = os.getloadavg()[0]
                results.append((label, c, health, triage))
                report(label, c, health, triage)
            if bare:
                r = _with_cpu(psutil.Process(bare[0].pid), lambda: run_wrk(f"{bare[1]}/healthz", args.seconds, c, None))
                print(f"[bare ASGI] {c} connections: GET /healthz {r['rps']:7,.0f} req/s   p99 {r['p99_ms']:7.2f} ms   "
                      f"server CPU {r['cpu_us']:5.0f} µs/request   (load average {os.getloadavg()[0]:.2f})")
        stored = {label: triage_rows(url) for label, (_, _, url, _) in servers.items()}
    finally:
        for proc, *_ in servers.values():
            stop(proc)
        if bare:
            stop(bare[0])
    ips, ips_cpu = in_process(docs, store)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"machine: {os.cpu_count()} cores; wrk: 1 thread, {args.seconds} s per endpoint and concurrency; "
          f"SQLite on disk (WAL, synchronous=FULL); audit rows written: {stored}")
    print(f"in-process Triage.decide: {ips:,.0f} calls/s ({ips_cpu:,.0f} per CPU second)")
    for label, c, health, triage in results:
        ratio = triage["rps"] / health["rps"]
        ok = triage["rps"] >= 1000 and triage["p99_ms"] < 10 and ratio >= 0.6
        print(f"[{label}] {c:3} connections: triage {triage['rps']:6,.0f} req/s, p99 {triage['p99_ms']:6.2f} ms, "
              f"{ratio:4.0%} of healthz, {triage['cpu_us']:5.0f} µs CPU/request: HTTP targets {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
