"""Write and read the trained model as gzipped JSON: plain arrays and terms, no pickle, byte-identical per build.

The body is hashed; loading checks the hash, the format and the feature version before rebuilding anything.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from bot.core.errors import ConfigurationError
from bot.learning.features import FEATURE_VERSION

FORMAT = 1
DEFAULT_ARTEFACT = Path(__file__).resolve().parent / "triage-model.json.gz"
RETRAIN = "run `commsdesk model train` to build it"


class ModelArtefactError(ConfigurationError):
    """The trained model is missing, corrupt or built for other code; the message says how to rebuild it."""


def pack(array: np.ndarray, dtype: str) -> dict[str, Any]:
    """Encode an array as little-endian bytes in base64 with its shape and dtype."""
    data = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<"))
    return {"dtype": dtype, "shape": list(data.shape), "data": base64.b64encode(data.tobytes()).decode("ascii")}


def unpack(packed: dict[str, Any]) -> np.ndarray:
    """Decode an array written by `pack` (as float64 or its integer dtype, ready for numpy maths)."""
    dtype = np.dtype(str(packed["dtype"])).newbyteorder("<")
    array = np.frombuffer(base64.b64decode(packed["data"]), dtype=dtype).reshape(packed["shape"])
    return array.astype(np.float64) if dtype.kind == "f" else array.astype(dtype.newbyteorder("="))


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def encode(body: dict[str, Any]) -> bytes:
    """Return the artefact's bytes: gzip (mtime 0, so the same model gives the same bytes) of hashed JSON."""
    raw = _canonical(body)
    document = b'{"sha256":"' + hashlib.sha256(raw).hexdigest().encode("ascii") + b'","body":' + raw + b"}"
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as stream:
        stream.write(document)
    return out.getvalue()


def write(body: dict[str, Any], path: Path) -> str:
    """Write the artefact atomically and return the SHA-256 of the file."""
    data = encode(body)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)
    return hashlib.sha256(data).hexdigest()


def read(path: Path) -> dict[str, Any]:
    """Return the artefact's body after checking it is whole and built by this code's format and features."""
    try:
        document = json.loads(gzip.decompress(path.read_bytes()))
    except FileNotFoundError:
        raise ModelArtefactError(f"triage model {path} not found: {RETRAIN}") from None
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise ModelArtefactError(f"triage model {path} is unreadable ({exc}): {RETRAIN}") from None
    body = document.get("body") if isinstance(document, dict) else None
    if not isinstance(body, dict) or hashlib.sha256(_canonical(body)).hexdigest() != document.get("sha256"):
        raise ModelArtefactError(f"triage model {path} is corrupt (its hash does not match): {RETRAIN}")
    found = (body.get("format"), body.get("feature_version"))
    if found != (FORMAT, FEATURE_VERSION):
        raise ModelArtefactError(
            f"triage model {path} has format {found[0]} and features {found[1]!r}, this code needs format {FORMAT} "
            f"and features {FEATURE_VERSION!r}: {RETRAIN}"
        )
    return body
