"""Block Kit of the platform request flow: the form, the review card, decision modals, DMs, lists and App Home.

Every answer and note is untrusted and goes through `bot.blocks.safe`; only Slack ids we hold are linked.
Form block ids are the core's field names, so `InvalidInput.errors` map straight onto `response_action: errors`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.blocks.ids import MetadataType, RequestAction, RequestBlock, RequestView
from bot.blocks.safe import inert, plain
from bot.core.platform_requests import DECIDABLE, FIELDS, MAX_ANSWER_CHARS, OTHER, PlatformRequest, RequestState

Block = dict[str, Any]
ANSWER_LIMIT = 2900
LIST_ROWS = 20
STATE_LABELS: Mapping[RequestState, str] = {
    RequestState.SUBMITTED: ":hourglass: Awaiting a decision",
    RequestState.INFO_REQUESTED: ":question: More information asked for",
    RequestState.RESUBMITTED: ":hourglass: Updated, awaiting a decision",
    RequestState.APPROVED: ":white_check_mark: Approved",
    RequestState.DECLINED: ":x: Declined",
    RequestState.WITHDRAWN: ":leftwards_arrow_with_hook: Withdrawn",
}


def _text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": plain(text, 150) or " "}


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": plain(label, 75)}, "value": value}


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _button(label: str, action: RequestAction, value: str, style: str = "") -> Block:
    button: Block = {"type": "button", "text": _text(label), "action_id": action, "value": value}
    return {**button, "style": style} if style else button


def _input(name: str, prefill: Mapping[str, str], catalogue: Mapping[str, Sequence[tuple[str, str]]]) -> Block:
    label, required, kind = FIELDS[name]
    value = prefill.get(name, "")
    element: Block
    if kind == "choice":
        options = [_option(text, key) for key, text in catalogue[name]]
        element = {"type": "static_select", "action_id": name, "options": options}
        chosen = [o for o in options if o["value"] == value]
        element.update({"initial_option": chosen[0]} if chosen else {})
    elif kind == "date":
        element = {"type": "datepicker", "action_id": name, **({"initial_date": value} if value else {})}
    else:
        multiline = kind not in ("short",)
        element = {"type": "plain_text_input", "action_id": name, "multiline": multiline}
        element["max_length"] = MAX_ANSWER_CHARS if multiline else 150
        element.update({"initial_value": value} if value else {})
    return {"type": "input", "block_id": name, "label": _text(label), "optional": not required, "element": element}


def build_request_form(
    platforms: Sequence[str],
    teams: Sequence[tuple[str, str]],
    prefill: PlatformRequest | None = None,
) -> dict[str, Any]:
    """Build the /request-platform modal; with `prefill` it is the "Update request" form of that request."""
    catalogue = {"platform": [(p, p) for p in (*platforms, OTHER)], "team": list(teams)}
    values = _answers_as_strings(prefill) if prefill else {}
    intro = (
        "Every platform is available to you, but be prepared to explain why: who you want to reach, the evidence "
        "they are there, and how you will judge engagement (not follower counts). Nothing lasts forever, so "
        "choose a review date."
    )
    blocks = [_section(intro)]
    if prefill and prefill.state == RequestState.INFO_REQUESTED:
        blocks.append(_section("*Corp Comms asked:*\n" + inert(prefill.last_note, ANSWER_LIMIT)))
    blocks += [_input(name, values, catalogue) for name in FIELDS]
    return {
        "type": "modal",
        "callback_id": RequestView.FORM,
        "private_metadata": prefill.id if prefill else "",
        "title": _text("Request a platform"),
        "submit": _text("Update request" if prefill else "Send request"),
        "close": _text("Cancel"),
        "blocks": blocks,
    }


def _answers_as_strings(request: PlatformRequest) -> dict[str, str]:
    dumped = request.answers.model_dump(mode="json")
    return {name: str(dumped.get(name) or "") for name in FIELDS}


def read_request_form(view: Mapping[str, Any]) -> tuple[str, dict[str, str | None]]:
    """Return (request id being updated or "", raw answers by field name) from a submitted form."""
    values: Mapping[str, Mapping[str, Any]] = view.get("state", {}).get("values", {})
    answers: dict[str, str | None] = {}
    for name in FIELDS:
        element = values.get(name, {}).get(name, {})
        if element.get("type") == "static_select":
            answers[name] = (element.get("selected_option") or {}).get("value")
        elif element.get("type") == "datepicker":
            answers[name] = element.get("selected_date")
        else:
            answers[name] = element.get("value")
    return str(view.get("private_metadata") or ""), answers


def build_note_modal(kind: RequestView, request_id: str) -> dict[str, Any]:
    """Build the Decline (reason) or Ask for info (question) modal; the text is required."""
    declining = kind == RequestView.DECLINE_REASON
    label = "Why is it declined? The requester sees this." if declining else "What do you need to know?"
    element = {"type": "plain_text_input", "action_id": RequestBlock.NOTE, "multiline": True, "max_length": 2000}
    return {
        "type": "modal",
        "callback_id": kind,
        "private_metadata": request_id,
        "title": _text("Decline request" if declining else "Ask for information"),
        "submit": _text("Decline" if declining else "Send question"),
        "close": _text("Cancel"),
        "blocks": [{"type": "input", "block_id": RequestBlock.NOTE, "label": _text(label), "element": element}],
    }


def read_note_modal(view: Mapping[str, Any]) -> tuple[str, str]:
    """Return (request id, reason or question) from a submitted decision modal."""
    state = view.get("state", {}).get("values", {}).get(RequestBlock.NOTE, {}).get(RequestBlock.NOTE, {})
    return str(view.get("private_metadata") or ""), str(state.get("value") or "")


def build_card_metadata(request: PlatformRequest) -> dict[str, Any]:
    return {"event_type": MetadataType.PLATFORM_REQUEST, "event_payload": {"request_id": request.id}}


def build_review_card(request: PlatformRequest, team_name: str) -> tuple[str, list[Block]]:
    """Build the review card: every answer inert, who asked, the state, and decision buttons while decidable."""
    answers = _answers_as_strings(request)
    platform = request.answers.platform_name
    summary = f"Platform request {request.id}: {inert(platform, 80)} for {inert(team_name, 80)}"
    blocks: list[Block] = [
        {"type": "header", "text": _text(f"{plain(platform, 80)} for {team_name}")},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"{request.id} · from <@{request.requester}> · {STATE_LABELS[request.state]}",
                }
            ],
        },
    ]
    for name, (label, _, _) in FIELDS.items():
        if name in ("platform", "other_platform", "team") or not answers[name]:
            continue
        blocks.append(_section(f"*{label}*\n{inert(answers[name], ANSWER_LIMIT)}"))
    blocks.extend(_history(request))
    if request.state in DECIDABLE:
        blocks.append(
            {
                "type": "actions",
                "block_id": RequestBlock.ACTIONS,
                "elements": [
                    _button("Approve", RequestAction.APPROVE, request.id, "primary"),
                    _button("Decline", RequestAction.DECLINE, request.id, "danger"),
                    _button("Ask for info", RequestAction.ASK_INFO, request.id),
                ],
            }
        )
    return summary, blocks


def _history(request: PlatformRequest) -> list[Block]:
    lines = []
    for step in request.history[-5:]:
        note = f": {inert(step.note, 500)}" if step.note else ""
        lines.append(f"{STATE_LABELS[step.state]} by <@{step.actor}> {step.at:%d %b %H:%M}{note}")
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": "\n".join(lines)[:2900]}]}] if lines else []


def build_requester_dm(request: PlatformRequest) -> tuple[str, list[Block]]:
    """Tell the requester where their request stands, with the reason or question and what they can do."""
    platform = inert(request.answers.platform_name, 80)
    note = inert(request.last_note, ANSWER_LIMIT)
    messages = {
        RequestState.SUBMITTED: f"Your request for *{platform}* ({request.id}) has gone to Corp Comms for review.",
        RequestState.RESUBMITTED: f"Your updated request for *{platform}* ({request.id}) is back with Corp Comms.",
        RequestState.INFO_REQUESTED: f"Corp Comms asked about your request for *{platform}* ({request.id}):\n>{note}",
        RequestState.APPROVED: f"Your request for *{platform}* ({request.id}) is approved. Review it by "
        f"{request.answers.review_date:%d %B %Y}.",
        RequestState.DECLINED: f"Your request for *{platform}* ({request.id}) was declined:\n>{note}",
        RequestState.WITHDRAWN: f"You withdrew your request for *{platform}* ({request.id}).",
    }
    text = messages[request.state]
    blocks: list[Block] = [_section(text)]
    if request.state == RequestState.INFO_REQUESTED:
        buttons = [
            _button("Update request", RequestAction.UPDATE, request.id, "primary"),
            _button("Withdraw", RequestAction.WITHDRAW, request.id),
        ]
        blocks.append({"type": "actions", "block_id": RequestBlock.ACTIONS, "elements": buttons})
    return text, blocks


def _row(request: PlatformRequest, now: datetime, team_name: str, with_requester: bool) -> str:
    hours = max(0.0, (now - request.created_at).total_seconds() / 3600)
    age = f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"
    who = f" · <@{request.requester}>" if with_requester else ""
    platform = inert(request.answers.platform_name, 80)
    return f"• *{platform}* for {inert(team_name, 80)} · {request.id}{who} · {STATE_LABELS[request.state]} · {age}"


def build_request_list(
    mine: Sequence[PlatformRequest],
    pending: Sequence[PlatformRequest] | None,
    team_names: Mapping[str, str],
    now: datetime,
) -> list[Block]:
    """List the user's own requests and, for approvers (`pending` not None), the queue oldest first."""
    blocks = [_section("*Your platform requests*")]
    blocks += _rows(mine, team_names, now, False) or [_section("You have not requested a platform yet.")]
    if pending is not None:
        blocks.append(_section(f"*Waiting for Corp Comms ({len(pending)})*"))
        blocks += _rows(pending, team_names, now, True) or [_section("Nothing is waiting.")]
    return blocks


def _rows(
    requests: Sequence[PlatformRequest], team_names: Mapping[str, str], now: datetime, with_requester: bool
) -> list[Block]:
    """One block per request (Slack caps a text at 3000 characters), at most LIST_ROWS, then a count of the rest."""
    rows = [
        _section(_row(r, now, team_names.get(r.answers.team, r.answers.team), with_requester))
        for r in requests[:LIST_ROWS]
    ]
    extra = len(requests) - LIST_ROWS
    return rows + ([_section(f"…and {extra} more.")] if extra > 0 else [])


def build_home(
    mine: Sequence[PlatformRequest],
    pending: Sequence[PlatformRequest] | None,
    team_names: Mapping[str, str],
    now: datetime,
    queue: Sequence[Block] = (),
) -> dict[str, Any]:
    """Build the App Home tab: the open mentions the user may see, then the lists of `/request-platform list`."""
    header = {"type": "header", "text": _text("Comms Desk")}
    hint = _section("Use `/request-platform` to ask Corp Comms for a new platform.")
    requests = build_request_list(mine, pending, team_names, now)
    return {"type": "home", "blocks": [header, *queue, hint, *requests]}


def build_notice_modal(message: str) -> dict[str, Any]:
    """Build a modal that only says something: a placeholder while loading, or why the form cannot open."""
    return {
        "type": "modal",
        "title": _text("Request a platform"),
        "close": _text("Close"),
        "blocks": [_section(message)],
    }
