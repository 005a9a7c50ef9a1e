"""Run the real web app for tests as a `commsdesk web` (gunicorn) process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from bot.sandbox.redis_server import free_port


def commsdesk_env(**values: str) -> dict[str, str]:
    """The current environment less our variables, plus `values`: what a subprocess of ours gets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "X_", "COMMSDESK_", "REDIS_"))}
    return env | values


@contextmanager
def web_process(env: dict[str, str], cwd: Path) -> Iterator[str]:
    """Start `commsdesk web` (gunicorn) on a free port; yield its base URL once /healthz answers.

    /metrics goes to `env`'s METRICS_PORT, or to another free port so that several web processes can run at once.
    """
    port = free_port()
    log_path = cwd / f"web-{port}.log"
    env = {"METRICS_PORT": str(free_port())} | env | {"PORT": str(port)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot", "web"], env=env, cwd=cwd, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    requests.get(f"{url}/healthz", timeout=1)
                    break
                except (requests.ConnectionError, requests.Timeout):  # gunicorn accepts before the app loads
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"commsdesk web did not start:\n{log_path.read_text()}") from None
                    time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=20)
