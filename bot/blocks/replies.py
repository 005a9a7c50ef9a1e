"""Block Kit of replying from Slack: the reply modal, the approval card, and the private notes about a reply.

The post or comment being answered, the draft and the platform's reasons are untrusted and shown through
`bot.blocks.safe`. Slack cannot count characters as they are typed, so the modal states the budget (X's
weighted 280, Facebook's 8,000 or Instagram's 2,200 characters) and the count is checked on submit (and shown
whenever the modal is redrawn: a saved reply picked, a flagged draft to confirm).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.blocks.ids import MetadataType, ReplyAction, ReplyBlock, ReplyView
from bot.blocks.mention_parts import MENTION_ID, TWEET_ID, Block, context, handle, quote, section, text, user, when
from bot.blocks.safe import inert
from bot.core.errors import InvalidInput
from bot.core.models import Platform
from bot.core.replies.count import LIMIT, PLAIN_LIMITS, URL_WEIGHT, Budget
from bot.core.replies.desk import ACCOUNT, TEXT, Composition, Submitted
from bot.core.replies.disclosure import Flag
from bot.core.replies.intents import IntentState, ReplyIntent

POST_LIMIT = 1500
DRAFT_LIMIT = 3000  # Slack's cap on a text input; the platform's own limit is checked on submit
HOW_COUNTED = {
    Platform.X: f"X allows {LIMIT}: links count as {URL_WEIGHT}, most emoji and CJK characters as 2. ",
    **{p: f"{p.label} allows {limit:,} characters. " for p, limit in PLAIN_LIMITS.items()},
}
PRESS_TO_COUNT = "Slack cannot count as you type: press *Count and check* (or Send) to see the count."


@dataclass(frozen=True)
class ReplyDraft:
    """A submitted reply modal."""

    tweet_id: str
    channel: str
    text: str
    account: str
    confirmed: str  # fingerprint of the flagged draft the person was asked about
    version: int


@dataclass(frozen=True)
class SavedPick:
    """A saved reply picked in the modal, and the account chosen so far."""

    tweet_id: str
    name: str
    account: str
    channel: str
    version: int = 0


def build_reply_modal(
    composition: Composition,
    channel: str,
    *,
    draft: str | None = None,
    account: str = "",
    budget: Budget | None = None,
    flags: Sequence[Flag] = (),
    confirm: str = "",
    version: int = 0,
) -> dict[str, Any]:
    """Build the modal: the post (inert), saved replies, the text box, its count, the sending account, any flags."""
    tracked = composition.tracked
    author = tracked.mention.author
    platform = tracked.mention.platform
    chosen = next((a for a in composition.accounts if a.handle == account), composition.accounts[0])
    saved_options = [{"text": text(name, 75), "value": name} for name, _ in composition.saved][:100]
    account_options = [{"text": text(a.label, 75), "value": a.handle} for a in composition.accounts][:100]
    body = composition.text if draft is None else draft
    box: Block = {"type": "plain_text_input", "action_id": ReplyAction.TEXT, "multiline": True}
    box |= {"max_length": DRAFT_LIMIT, "initial_value": body} if body else {"max_length": DRAFT_LIMIT}
    blocks: list[Block] = [
        {
            "type": "section",
            "block_id": ReplyBlock.POST,
            "text": {
                "type": "mrkdwn",
                "text": f"*Replying to* {handle(author.username or author.id)}\n"
                f"{quote(tracked.mention.text, POST_LIMIT)}",
            },
        },
        {
            "type": "actions",
            "block_id": ReplyBlock.SAVED,
            "elements": [
                {
                    "type": "static_select",
                    "action_id": ReplyAction.PICK_SAVED,
                    "placeholder": text("Start from a saved reply…"),
                    "options": saved_options,
                }
            ],
        },
        {
            "type": "input",
            "block_id": f"{ReplyBlock.TEXT}{version}",
            "label": text("Reply"),
            "element": box,
        },
        {**context(_budget_line(platform, budget)), "block_id": ReplyBlock.BUDGET},
        {
            "type": "actions",
            "block_id": ReplyBlock.CHECK,
            "elements": [{"type": "button", "text": text("Count and check"), "action_id": ReplyAction.CHECK}],
        },
        {
            "type": "input",
            "block_id": ReplyBlock.ACCOUNT,
            "label": text("Send as"),
            "element": {
                "type": "static_select",
                "action_id": ReplyAction.ACCOUNT,
                "options": account_options,
                "initial_option": next(o for o in account_options if o["value"] == chosen.handle),
            },
        },
    ]
    if flags:
        blocks.append({**section(_flag_lines(flags)), "block_id": ReplyBlock.FLAGS})
    elif confirm:
        blocks.append(
            {
                **context(":white_check_mark: Nothing in it looks like personal or case details."),
                "block_id": ReplyBlock.FLAGS,
            }
        )
    metadata = {"tweet_id": tracked.mention.id, "channel": channel, "confirm": confirm, "version": version}
    return {
        "type": "modal",
        "callback_id": ReplyView.COMPOSE,
        "private_metadata": json.dumps(metadata),
        "title": text(f"Reply on {platform.label}", 24),
        "submit": text("Send anyway" if flags else "Send", 24),
        "close": text("Cancel", 24),
        "blocks": blocks,
    }


def build_checked_modal(draft: ReplyDraft, checked: Submitted) -> dict[str, Any]:
    """Redraw the modal after a check: what was written, its count and flags, and the confirmation they need."""
    if checked.composition is None:
        raise ValueError("a checked draft carries the composition it was checked against")
    return build_reply_modal(
        checked.composition,
        draft.channel,
        draft=draft.text,
        account=draft.account,
        budget=checked.budget,
        flags=checked.flags,
        confirm=checked.fingerprint,
        version=draft.version + 1,
    )


def _budget_line(platform: Platform, budget: Budget | None) -> str:
    how = HOW_COUNTED[platform] + PRESS_TO_COUNT
    if budget is None:
        return how
    warning = ":red_circle: " if budget.over else ""
    return f"{warning}*{budget.describe()}*. {how}"


def _flag_lines(flags: Sequence[Flag]) -> str:
    lines = [":mag: *A second look before this goes public.* The reply may contain:"]
    for flag in flags:
        words = ", ".join(f"“{inert(w, 80)}”" for w in flag.words[:5])
        lines.append(f"• {flag.concern.value}: {words}")
    lines.append("Change it, or press *Send anyway* if it is fine to say in public.")
    return "\n".join(lines)


def read_reply_modal(view: dict[str, Any]) -> ReplyDraft:
    """Read a submitted (or redrawn) reply modal."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
        values = view["state"]["values"]
        version = int(meta.get("version", 0))
        typed = values.get(f"{ReplyBlock.TEXT}{version}", {}).get(ReplyAction.TEXT, {}).get("value") or ""
        picked = values.get(ReplyBlock.ACCOUNT, {}).get(ReplyAction.ACCOUNT, {}).get("selected_option") or {}
        tweet_id = str(meta["tweet_id"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput({TEXT: "This form is not one of ours; open Reply on the card again."}) from None
    if not MENTION_ID.match(tweet_id):
        raise InvalidInput({TEXT: "This form does not name a post."})
    account, confirmed = str(picked.get("value", "")), str(meta.get("confirm", ""))
    return ReplyDraft(tweet_id, str(meta.get("channel", "")), typed, account, confirmed, version)


def read_saved_pick(body: dict[str, Any]) -> SavedPick:
    """Read a pick in the modal's saved-reply menu, with what the modal holds so far."""
    try:
        view = body["view"]
        meta = json.loads(view.get("private_metadata") or "{}")
        name = str(body["actions"][0]["selected_option"]["value"])
        values = view.get("state", {}).get("values", {})
        picked = values.get(ReplyBlock.ACCOUNT, {}).get(ReplyAction.ACCOUNT, {}).get("selected_option") or {}
        account, channel, version = str(picked.get("value", "")), str(meta.get("channel", "")), int(meta["version"])
        pick = SavedPick(str(meta["tweet_id"]), name, account, channel, version)
    except (KeyError, IndexError, TypeError, ValueError):
        raise InvalidInput({TEXT: "This menu is not one of ours; open Reply on the card again."}) from None
    if not MENTION_ID.match(pick.tweet_id):
        raise InvalidInput({TEXT: "This form does not name a post."})
    return pick


def error_block(field: str, version: int) -> str:
    """Name the block an InvalidInput field is shown under."""
    return ReplyBlock.ACCOUNT.value if field == ACCOUNT else f"{ReplyBlock.TEXT}{version}"


def build_approval_card(intent: ReplyIntent, post_text: str, flags: Sequence[Flag]) -> dict[str, Any]:
    """Build the desk's approval card for a draft: who wrote it, as which account, the draft, why it is here."""
    why = _flag_lines(flags).split("\n")[1:-1] if flags else ["• written by someone outside the desk"]
    lines = [
        f":hourglass_flowing_sand: *Reply waiting for approval* from {user(intent.by)} as {_sender(intent)}",
        f"*To the post*\n{quote(post_text, 800)}",
        f"*Draft*\n{quote(intent.text, 1200)}",
        "*Why it needs approval*\n" + "\n".join(why),
    ]
    value = f"{intent.tweet_id}:{intent.id}"
    buttons = [
        _button("Approve", ReplyAction.APPROVE, value, "primary"),
        _button("Edit", ReplyAction.EDIT, value),
        _button("Reject", ReplyAction.REJECT, value, "danger"),
    ]
    blocks = [section(line) for line in lines] + [
        {"type": "actions", "block_id": ReplyBlock.DECISION, "elements": buttons}
    ]
    return {"text": f"Reply by {_sender(intent)} waiting for approval", "blocks": blocks}


def _button(label: str, action: ReplyAction, value: str, style: str = "") -> Block:
    button: Block = {"type": "button", "text": text(label), "action_id": action, "value": value}
    return {**button, "style": style} if style else button


def build_approval_outcome(intent: ReplyIntent) -> dict[str, Any]:
    """Redraw an approval card once decided: no buttons, the outcome and who decided it."""
    said = {
        IntentState.QUEUED: f":outbox_tray: Approved by {user(intent.approved_by)}; sending",
        IntentState.SENT: f":white_check_mark: Sent as {_sender(intent)}"
        + (f", approved by {user(intent.approved_by)}" if intent.approved_by else ""),
        IntentState.REJECTED: f":no_entry_sign: Not sent: {user(intent.approved_by)} rejected or took over the draft",
        IntentState.REFUSED: f":warning: {intent.platform.label} refused it: {inert(intent.error, 300)}",
    }.get(intent.state, "Waiting for approval")
    lines = [f"*Reply by {user(intent.by)} as {_sender(intent)}*: {said}", quote(intent.text, 1200)]
    return {"text": f"Reply as {_sender(intent)}: {intent.state.value}", "blocks": [section(s) for s in lines]}


def _sender(intent: ReplyIntent) -> str:
    """The sending account, inert: `@handle` on X, the page's or account's name on Meta."""
    return handle(intent.account) if intent.platform is Platform.X else inert(intent.account, 80)


def approval_metadata(intent: ReplyIntent) -> dict[str, Any]:
    return {"event_type": MetadataType.REPLY_APPROVAL.value, "event_payload": {"tweet_id": intent.tweet_id}}


def read_approval_action(body: dict[str, Any]) -> tuple[str, str, ReplyAction]:
    """Read (tweet id, intent id, action) from a click on an approval card."""
    try:
        action = body["actions"][0]
        kind = ReplyAction(action["action_id"])
        tweet_id, _, intent_id = str(action["value"]).partition(":")
    except (KeyError, IndexError, TypeError, ValueError):
        raise InvalidInput({"action": "This button is not one of ours."}) from None
    if not MENTION_ID.match(tweet_id) or not intent_id:
        raise InvalidInput({"action": "This card does not name a draft."})
    return tweet_id, intent_id, kind


def sent_line(reply_text: str, account: str, by: str, post_id: str, platform: Platform = Platform.X) -> str:
    """The card's line for a reply sent from Slack: who, as which account, what it said (inert) and a link.

    On Meta the account is the page's name and the reply is found under the comment the card links to.
    """
    if platform is not Platform.X:
        return f"\n:speech_balloon: {user(by)} replied as {inert(account, 80)}\n{quote(reply_text, 700)}"
    link = f" · <https://x.com/{account}/status/{post_id}|View reply>" if TWEET_ID.match(post_id) else ""
    return f"\n:speech_balloon: {user(by)} replied as {handle(account)}{link}\n{quote(reply_text, 700)}"


def queued_notice(intent: ReplyIntent) -> str:
    return (
        f"Your reply as {intent.sender} is on its way to {intent.platform.label}; the card shows it once it is posted."
    )


def approval_notice(intent: ReplyIntent) -> str:
    return f"Your reply as {intent.sender} has gone to the desk for approval; you'll hear here when it is decided."


def refused_notice(intent: ReplyIntent, reason: str) -> str:
    where = intent.platform.label
    instead = "use *Reply on X*" if intent.platform is Platform.X else f"answer on {where}"
    return (
        f"{where} refused your reply as {intent.sender}: {inert(reason, 400)}. Nothing was posted and the card is "
        f"still open; change the reply or {instead}."
    )


def rejected_notice(intent: ReplyIntent) -> str:
    return (
        f"{user(intent.approved_by)} did not approve your reply as {intent.sender}, so it was not sent; the card is "
        "still open."
    )


def delayed_notice(intent: ReplyIntent, wait: float | None, now: datetime) -> str:
    where = intent.platform.label
    if wait is None:
        return (
            f"{where} asked us to slow down, so your reply as {intent.sender} is delayed; it will be retried shortly."
        )
    return (
        f"{where} is limiting {intent.sender}'s posts, so your reply is delayed; it will go at about "
        f"{when(now + timedelta(seconds=wait))}."
    )
