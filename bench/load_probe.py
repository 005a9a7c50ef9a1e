"""Time importing a model's module and loading the model in fresh processes, with the memory each step adds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ONE_CORE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

PROBE = """
import json, time
def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:")) / 1024
base = rss()
started = time.perf_counter()
from {module} import {name}
imported, libraries = time.perf_counter() - started, rss()
started = time.perf_counter()
{name}()
print(json.dumps({{"import_s": imported, "load_s": time.perf_counter() - started,
                  "rss_start": base, "rss_libraries": libraries, "rss_loaded": rss()}}))
"""


@dataclass(frozen=True)
class LoadProbe:
    """The best of several fresh-process loads (this machine is shared), and every run's load time."""

    import_s: float
    load_s: float
    loads: tuple[float, ...]
    rss_start_mb: float
    libraries_mb: float  # added by importing the module (numpy, scikit-learn and the like)
    model_mb: float  # added by loading the model itself


def probe_load(module: str, name: str, runs: int = 3) -> LoadProbe:
    """Import `name` from `module` and call it with no arguments, `runs` times, each in a fresh process."""
    script = PROBE.format(module=module, name=name)
    results = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", script],
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, **ONE_CORE},
            ).stdout
        )
        for _ in range(runs)
    ]
    best = min(results, key=lambda r: r["load_s"])
    return LoadProbe(
        import_s=min(r["import_s"] for r in results),
        load_s=best["load_s"],
        loads=tuple(r["load_s"] for r in results),
        rss_start_mb=best["rss_start"],
        libraries_mb=best["rss_libraries"] - best["rss_start"],
        model_mb=best["rss_loaded"] - best["rss_libraries"],
    )
