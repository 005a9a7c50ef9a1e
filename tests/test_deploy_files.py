"""The deployment files (Dockerfile, compose.yaml, systemd units, Kubernetes example), checked statically.

No container engine or cluster runs here, so each file is parsed and held to what the runbook promises:
a non-root image built from the hash-checked lock, Redis as a database (AOF, noeviction), probes on /healthz
and the worker heartbeat, secrets as files, and a desk config that loads.
"""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path
from typing import Any

import pytest

from config.desk import load_desk
from tests.support.yaml_subset import load_all

REPO = Path(__file__).resolve().parents[1]


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined, comments dropped."""
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    rows = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(row.split(None, 1)[0].upper(), row.split(None, 1)[1]) for row in rows]


def k8s(name: str) -> list[dict[str, Any]]:
    return load_all((REPO / "deploy" / "k8s" / name).read_text())


def test_the_image_is_slim_python_311_installs_the_lock_with_hashes_and_runs_as_a_numeric_non_root_user() -> None:
    steps = dockerfile()
    assert [args for op, args in steps if op == "FROM"] == ["python:3.11-slim AS build", "python:3.11-slim"]
    runs = [args for op, args in steps if op == "RUN"]
    lock = next(i for i, run in enumerate(runs) if "--require-hashes -r requirements.lock" in run)
    project = next(i for i, run in enumerate(runs) if "pip install --no-deps ." in run)
    assert lock < project
    (user,) = [args for op, args in steps if op == "USER"]
    assert user.split(":")[0].isdigit() and int(user.split(":")[0]) != 0
    assert [op for op, _ in steps].index("USER") > max(i for i, (op, _) in enumerate(steps) if op == "RUN")
    assert "/healthz" in next(args for op, args in steps if op == "HEALTHCHECK")
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".env", "config/desk.toml", ".git"} <= set(ignored)


def test_compose_runs_redis_as_a_database_with_web_and_worker_checked_by_health() -> None:
    (compose,) = load_all((REPO / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"redis", "web", "worker"}
    redis_args = services["redis"]["command"]
    assert redis_args[redis_args.index("--appendonly") + 1] == "yes"
    assert redis_args[redis_args.index("--maxmemory-policy") + 1] == "noeviction"
    assert "redis-data:/data" in services["redis"]["volumes"]
    for name, port in (("web", 3000), ("worker", 9101)):
        service = services[name]
        assert service["command"] == ["commsdesk", name] and service["env_file"] == ".env"
        assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert f"127.0.0.1:{port}/healthz" in " ".join(service["healthcheck"]["test"])
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["web"]["ports"] == ["3000:3000"] and "ports" not in services["worker"]


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((REPO / "deploy" / "systemd" / name).read_text())
    return parser


@pytest.mark.parametrize("process", ["web", "worker"])
def test_systemd_units_run_each_process_unprivileged_and_restart_it(process: str) -> None:
    service = unit(f"commsdesk-{process}.service")["Service"]
    assert shlex.split(service["ExecStart"])[1:] == [process]
    assert service["User"] == "commsdesk" and service["NoNewPrivileges"] == "yes"
    assert service["Restart"] in ("on-failure", "always")
    assert service["EnvironmentFile"] == "/etc/commsdesk/commsdesk.env"


def test_a_systemd_timer_restarts_a_worker_whose_heartbeat_is_stale() -> None:
    check = unit("commsdesk-worker-health.service")["Service"]["ExecStart"]
    assert "127.0.0.1:9101/healthz" in check and "systemctl restart commsdesk-worker.service" in check
    assert unit("commsdesk-worker-health.timer")["Timer"]["OnUnitActiveSec"] == "1min"


@pytest.mark.parametrize(
    ("file", "probe_port", "port_number"), [("web.yaml", "http", 3000), ("worker.yaml", "metrics", 9101)]
)
def test_k8s_deployments_run_non_root_with_probes_on_healthz_and_secrets_as_files(
    file: str, probe_port: str, port_number: int
) -> None:
    deployment = next(doc for doc in k8s(file) if doc["kind"] == "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    (container,) = pod["containers"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert {p["name"]: p["containerPort"] for p in container["ports"]}[probe_port] == port_number
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": probe_port}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert mounts["secrets"] == "/run/secrets" and volumes["secrets"]["secret"]["secretName"] == "commsdesk-secrets"
    assert mounts["desk"] == "/etc/commsdesk" and volumes["desk"]["configMap"]["name"] == "commsdesk-desk"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["METRICS_HOST"] == "0.0.0.0"  # the kubelet probes the pod's address, not its loopback


def test_k8s_secret_holds_each_token_under_its_settings_name_and_the_configmap_is_a_valid_desk(
    tmp_path: Path,
) -> None:
    (secret,) = k8s("secret.yaml")
    assert set(secret["stringData"]) == {"slack_bot_token", "slack_signing_secret", "x_bearer_token"}
    (configmap,) = k8s("configmap.yaml")
    (tmp_path / "desk.toml").write_text(configmap["data"]["desk.toml"])
    desk = load_desk(tmp_path / "desk.toml")
    assert [team.key for team in desk.teams] == ["force"]
