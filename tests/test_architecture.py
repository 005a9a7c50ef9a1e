"""The import direction of architecture.md, checked on the source: core stays pure, handlers stay thin."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

STDLIB = set(sys.stdlib_module_names) | {"__future__"}
ADAPTER_SDKS = {
    "x.py": {"tweepy", "requests"},
    "meta.py": {"requests"},
    "secret_box.py": {"cryptography"},
    "x_replies.py": {"tweepy", "requests"},
    "x_oauth.py": {"requests"},
    "token_vault.py": {"redis"},
    "slack_messages.py": {"slack_sdk"},
    "slack_membership.py": {"slack_sdk"},
    "chart.py": {"matplotlib"},
}
REDIS_ADAPTERS = {
    "store.py",
    "mention_store.py",
    "outbox.py",
    "aggregates.py",
    "request_store.py",
    "correction_store.py",
    "migrations.py",
    "pacer.py",
    "retention_index.py",
    "subject_records.py",
    "meta_inbox.py",
    "meta_tokens.py",
    "reply_book.py",
}
SDKS = {"redis", "slack_sdk", "slack_bolt", "tweepy", "requests", "matplotlib", "cryptography"}
# The application layer: the Slack messaging and store adapters come in through their classes, never an SDK.
JOB_ALLOWED = {
    "pydantic",
    "bot.core",
    "bot.blocks",
    "bot.adapters",
    "bot.jobs",
    "bot.logs",
    "bot.web",
    "config",
    "apscheduler",
    "prometheus_client",
}


def imports_of(path: Path) -> set[str]:
    """Imported modules: `bot.<package>` for ours, the top-level name for everything else."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        for module in modules:
            parts = module.split(".")
            names.add(".".join(parts[:2]) if parts[0] == "bot" else parts[0])
    return names


def foreign(path: Path, allowed: set[str]) -> set[str]:
    return {name for name in imports_of(path) if name not in STDLIB and name not in allowed}


def sources(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


@pytest.mark.parametrize("path", sources("bot/core"), ids=lambda p: p.name)
def test_core_imports_stdlib_and_pydantic_only(path: Path) -> None:
    assert foreign(path, {"pydantic", "bot.core"}) == set()


@pytest.mark.parametrize("path", sources("bot/blocks"), ids=lambda p: p.name)
def test_blocks_import_core_only(path: Path) -> None:
    assert foreign(path, {"pydantic", "bot.core", "bot.blocks"}) == set()


@pytest.mark.parametrize("path", sources("bot/adapters"), ids=lambda p: p.name)
def test_each_adapter_imports_core_and_its_one_sdk(path: Path) -> None:
    sdk = {"redis"} if path.name in REDIS_ADAPTERS else ADAPTER_SDKS.get(path.name, set())
    # the Slack adapters draw the cards and metadata they post, so they may also use the pure builders
    builders = {"bot.blocks"} if path.name in {"slack_cards.py", "slack_messages.py", "slack_requests.py"} else set()
    assert foreign(path, {"pydantic", "bot.core", "bot.adapters", *sdk, *builders}) == set()


def modules_of(path: Path) -> set[str]:
    """Every module imported, dotted in full."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sources("bot/jobs"), ids=lambda p: p.name)
def test_jobs_use_core_blocks_and_adapters_never_an_sdk(path: Path) -> None:
    assert foreign(path, JOB_ALLOWED) == set()
    assert imports_of(path) & SDKS == set()
    # of the web layer a job may count into the metrics, nothing else
    assert {m for m in modules_of(path) if m.startswith("bot.web")} <= {"bot.web.metrics"}


@pytest.mark.parametrize("path", sources("bot/web"), ids=lambda p: p.name)
def test_the_web_layer_reaches_redis_through_the_store_adapters_only(path: Path) -> None:
    allowed = {"pydantic", "bot.core", "bot.adapters", "bot.logs", "bot.web", "slack_bolt", "prometheus_client"}
    assert foreign(path, allowed) == set()
    assert "redis" not in imports_of(path)


def test_slack_api_errors_are_caught_only_where_slack_is_spoken_to() -> None:
    """One adapter turns Slack's refusals into SlackRefused; only it, the app's error handler and `check` see them."""
    speaking = {
        REPO / "bot/adapters/slack_messages.py",
        REPO / "bot/adapters/slack_membership.py",
        REPO / "bot/app.py",
        REPO / "bot/cli/_slack_checks.py",
    }
    catching = {p for p in sources("bot") + sources("handlers") if "SlackApiError" in p.read_text(encoding="utf-8")}
    assert catching <= speaking


def test_one_slack_messaging_adapter_posts_and_reads_history() -> None:
    """Posting and history paging happen in one module, so dedupe-by-metadata works the same for every job."""
    calls = (".chat_postMessage(", ".conversations_history(", ".chat_update(", ".files_upload_v2(")
    talking = {
        p.relative_to(REPO).as_posix()
        for p in sources("bot")
        if "sandbox" not in p.parts and any(c in p.read_text(encoding="utf-8") for c in calls)
    }
    # the app's error handler answers the clicker privately with the client Bolt hands it for that request
    assert talking == {"bot/adapters/slack_messages.py", "bot/app.py"}


@pytest.mark.parametrize("path", sources("bot/learning"), ids=lambda p: p.name)
def test_learning_imports_core_and_the_numeric_libraries_only(path: Path) -> None:
    assert foreign(path, {"bot.core", "bot.learning", "numpy", "scipy", "sklearn", "py3langid"}) == set()


@pytest.mark.parametrize("path", sources("handlers"), ids=lambda p: str(p.relative_to(REPO)))
def test_handlers_import_core_and_blocks_never_adapters_config_or_os(path: Path) -> None:
    allowed = {"bot.core", "bot.blocks", "handlers", "slack_bolt", "slack_sdk"}
    assert foreign(path, allowed) == set()
    assert "os" not in imports_of(path)


@pytest.mark.parametrize("path", sources("config"), ids=lambda p: p.name)
def test_config_imports_nothing_of_ours_but_the_error_tree(path: Path) -> None:
    assert foreign(path, {"pydantic", "pydantic_settings", "bot.core"}) == set()
    assert {m for m in modules_of(path) if m.startswith("bot")} <= {"bot.core.errors"}


def test_the_error_tree_imports_nothing_so_config_can_use_it_without_a_cycle() -> None:
    assert imports_of(REPO / "bot/core/errors.py") <= {"__future__"}


IMPORT_EVERYTHING = """
import importlib, pkgutil, socket, threading
def refuse(*args, **kwargs):
    raise RuntimeError("a module opened a socket at import time")
socket.socket.connect = refuse
for package in ("bot", "handlers", "config"):
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        if info.name != "bot.__main__":
            importlib.import_module(info.name)
assert threading.active_count() == 1, [t.name for t in threading.enumerate()]
print("imported", len([m for m in __import__("sys").modules if m.split(".")[0] in ("bot", "handlers", "config")]))
"""


def test_importing_every_module_opens_no_socket_and_starts_no_thread() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported ")
