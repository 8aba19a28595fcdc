"""`mesems serve`: the web app behind gunicorn, started as a user starts it, answering pages, static
files and the API, and stopping cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, run_cli


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "MESEMS_DATA_DIR": str(tmp_path)}
    env.pop("MESEMS_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "mesems.web.manage", "migrate", "-v0"], env=env, check=True, timeout=300)
    return tmp_path


def test_serves_pages_static_files_and_the_api_then_stops_on_sigterm(data_dir: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "MESEMS_DATA_DIR": str(data_dir)}
    env.pop("MESEMS_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "mesems", "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                login = httpx.get(f"{base}/login/", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.3)
        assert login.status_code == 200 and "Sign in" in login.text
        with httpx.Client(base_url=base, timeout=5) as client:
            assert client.get("/static/css/mesems.css").status_code == 200
            for _ in range(4):
                api = client.get("/api/participants")
                assert api.status_code == 401 and api.json()["code"] == "unauthenticated"
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0


def test_a_taken_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), env={"MESEMS_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and f"cannot serve on 127.0.0.1:{port}" in result.stderr
