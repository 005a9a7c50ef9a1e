"""Start real `commsdesk web` / `worker` / `digest` processes against one Redis and in-test sandboxes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from bot.sandbox.signed import SIGNING_SECRET
from tests.support.live import commsdesk_env, web_process

REPO = Path(__file__).resolve().parents[2]
BOT_TOKEN = "xoxb-7777-faults-secret-bot-token"
BEARER_TOKEN = "x-bearer-faults-secret-0123456789"
SECRETS = (BOT_TOKEN, BEARER_TOKEN, SIGNING_SECRET)


def write_desk(
    path: Path,
    *,
    pace_ms: int = 5,
    reclaim_idle_seconds: int = 60,
    timeout_seconds: float = 10.0,
    poll_seconds: int = 15,
) -> Path:
    """Write the example desk config with a fast outbox and the given X settings; return its path."""
    text = (REPO / "config" / "desk.example.toml").read_text(encoding="utf-8")
    text += (
        f"\n[x]\npoll_seconds = {poll_seconds}\ntimeout_seconds = {timeout_seconds}\n"
        f"\n[outbox]\npace_ms = {pace_ms}\nreclaim_idle_seconds = {reclaim_idle_seconds}\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Deployment:
    """One deployment's environment: where Redis, Slack and X are, the desk config, and a log directory."""

    workdir: Path
    redis_url: str
    slack_url: str
    x_url: str
    desk_path: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        return commsdesk_env(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=self.slack_url,
            X_BEARER_TOKEN=BEARER_TOKEN,
            X_API_URL=self.x_url,
            REDIS_URL=self.redis_url,
            COMMSDESK_CONFIG=str(self.desk_path),
            LOG_LEVEL="DEBUG",
            LOG_FORMAT="json",
            **extra,
        )

    def start(self, name: str, *args: str, **extra_env: str) -> subprocess.Popen[bytes]:
        """Start `commsdesk <args>` with output captured to `<workdir>/<name>.log`."""
        with open(self.workdir / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                env=self.env(**extra_env),
                cwd=self.workdir,
                stdout=log,
                stderr=log,
            )
        self.processes.append(process)
        return process

    def run_all(self, commands: dict[str, list[str]], timeout: float = 90.0) -> dict[str, int]:
        """Start every command at once, wait for all; return each one's exit code by name."""
        started = {name: self.start(name, *args) for name, args in commands.items()}
        return {name: process.wait(timeout=timeout) for name, process in started.items()}

    def web(self, **extra_env: str) -> AbstractContextManager[str]:
        """Start `commsdesk web` (gunicorn); the context yields its base URL."""
        return web_process(self.env(**extra_env), self.workdir)

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def all_logs(self) -> str:
        return "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(self.workdir.glob("*.log")))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def deployment(workdir: Path, redis_url: str, slack_url: str, x_url: str, **desk: float) -> Iterator[Deployment]:
    """Yield a Deployment in `workdir`, killing whatever it started on exit (use from a fixture)."""
    workdir.mkdir(parents=True, exist_ok=True)
    built = Deployment(workdir, redis_url, slack_url, x_url, write_desk(workdir / "desk.toml", **desk))  # type: ignore[arg-type]
    try:
        yield built
    finally:
        built.stop_all()
