"""Fill a Block Kit modal the way Slack does on submit, so builders and readers meet real payload shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def state_values(view: Mapping[str, Any], typed: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """Return `view.state.values`: initial values kept unless `typed` (by block id) overrides them."""
    typed = typed or {}
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, block_id = block["element"], block["block_id"]
        if element["type"] == "static_select":
            chosen = typed.get(block_id, (element.get("initial_option") or {}).get("value"))
            option = next((o for o in element["options"] if o["value"] == chosen), None)
            state = {"type": "static_select", "selected_option": option}
        elif element["type"] == "datepicker":
            state = {"type": "datepicker", "selected_date": typed.get(block_id, element.get("initial_date"))}
        else:
            state = {"type": "plain_text_input", "value": typed.get(block_id, element.get("initial_value"))}
        values[block_id] = {element["action_id"]: state}
    return values


def fill(view: Mapping[str, Any], typed: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """Return `view` as a view_submission carries it."""
    return {**view, "id": "V0000001", "state": {"values": state_values(view, typed)}}
