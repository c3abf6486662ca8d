"""A 201 means it is on disk: SIGKILL the server right after a burst of acknowledged writes, restart, read each back."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from altresponse.serve.auth import create_key
from altresponse.serve.db import make_engine

from conftest import BEATS, PROGRAM, REPO

BURST = 300


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(db_url: str, port: int, log) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-c", "from altresponse.cli import main; main()", "serve", "--program", str(PROGRAM),
           "--beats", str(BEATS), "--db", db_url, "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("server did not come up within 90 s")


async def _burst(port: int, key: str) -> list[str]:
    acked: list[str] = []
    body = {"type_desc": "CRISIS", "location": {"beat": "111"}, "received_at": "2024-06-04T10:30:00-04:00"}
    limits = httpx.Limits(max_connections=32)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"},
                                 limits=limits, timeout=30) as c:
        async def one():
            r = await c.post("/v1/triage", json=body)
            if r.status_code == 201:
                acked.append(r.json()["decision_id"])

        await asyncio.gather(*(one() for _ in range(BURST)))
    return acked


@pytest.mark.slow
def test_acknowledged_decisions_survive_sigkill(migrated, fernet_key, tmp_path):
    engine = make_engine(migrated)
    key = create_key(engine, "call_taker")
    engine.dispose()
    port = _port()
    with open(tmp_path / "server.log", "wb") as log:
        proc = _start(migrated, port, log)
        try:
            acked = asyncio.run(_burst(port, key))
        finally:
            os.kill(proc.pid, signal.SIGKILL)  # no shutdown, no flush: only what was committed survives
            proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        assert len(acked) == BURST
        proc = _start(migrated, port, log)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}) as c:
                missing = [d for d in acked if c.get(f"/v1/triage/{d}").status_code != 200]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert missing == [], f"{len(missing)} of {len(acked)} acknowledged decisions lost"
