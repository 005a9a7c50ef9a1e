"""Block Kit of a relayed mention: the actionable card per role, SLA nudges, redaction, and the button reader.

Every piece of the post (text, names, handles, reasons) is untrusted and goes through `bot.blocks.safe`; the only
links are ones we build from ids (the post, the reply intent) and the only mentions are Slack user ids we hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.blocks.durations import duration
from bot.blocks.ids import MentionAction, MetadataType
from bot.blocks.mention_parts import (
    CATEGORY_LABELS,
    MENTION_ID,
    Block,
    context,
    desk_accounts,
    handle,
    page_name,
    post_url,
    quote,
    reply_url,
    section,
    team_name,
    text,
    user,
    when,
)
from bot.blocks.replies import sent_line
from bot.blocks.safe import inert
from bot.core.desk import TeamView
from bot.core.errors import InvalidInput
from bot.core.models import CONTROL_ROOM, Mention, Platform
from bot.core.tracking import MentionState, TrackedMention
from bot.core.triage.decide import translate_url

ACTIONS_BLOCK = "mention_actions"
_LINK = re.compile(r"^https://[^\s|<>]+$")  # a permalink Slack gave us, checked before it goes into mrkdwn
TWEET_LIMIT = 2500  # leaves room for the From line within a section's 3000
UNSURE = (
    ":warning: *Triage is not sure this is an emergency*, so it is here for a person to check now. Read it, act as "
    "for any urgent mention if anyone may be at risk, then press *Confirm urgent* or *Not urgent*: either way the "
    "model learns from it."
)
GUIDANCE = (  # {platform}: where to reply, X, Facebook or Instagram
    ":telephone_receiver: *If anyone may be in danger, reply on {platform} now.* Our accounts are not monitored "
    '24/7, so tell them plainly: _"If you or someone else is in immediate danger, or a crime is happening now, '
    "call 999. If you can't speak, call 999 and press 55 when prompted. Deaf or speech-impaired? Text 999 if "
    'registered with emergencySMS. For anything else, call 101 or report online."_\n'
    "Don't ask for personal details in public. Pass what they posted (location, time, who is at risk) to the "
    "dispatcher straight away; don't wait for them to answer."
)


def build_mention_card(tracked: TrackedMention, role: str, teams: Sequence[TeamView], now: datetime) -> dict[str, Any]:
    """Build the card for a team, the control room or the desk: what was posted, why it is here, who has it."""
    if tracked.state is MentionState.REDACTED:
        return build_redacted_card(tracked.mention.id, f"deleted on {tracked.mention.platform.label} or past retention")
    mention, decision = tracked.mention, tracked.decision
    accounts = ", ".join(handle(a) for a in desk_accounts(mention, teams)) or "a force account"
    label = CATEGORY_LABELS.get(decision.category, decision.category.value)
    blocks: list[Block] = [{"type": "header", "text": text(_headline(tracked, role, label))}]
    if role == CONTROL_ROOM:
        blocks.append(section(GUIDANCE.format(platform=mention.platform.label)))
    if decision.possible:
        blocks.append(section(UNSURE))
    if not decision.understood:
        blocks.append(_language_note(tracked))
    if tracked.out_of_hours:
        blocks.append(context(":crescent_moon: *Arrived out of staffed hours*: the desk may not have seen it."))
    blocks += [
        section(f"{_from_line(mention, accounts, teams)}\n{quote(mention.text, TWEET_LIMIT)}"),
        {"type": "section", "fields": _fields(tracked, teams, label)},
    ]
    if decision.reasons:
        blocks.append(context("*Why:* " + inert(" · ".join(decision.reasons), 1500)))
    blocks.append(section(_state_line(tracked, now)))
    blocks.append({"type": "actions", "block_id": ACTIONS_BLOCK, "elements": _buttons(tracked, role, teams, now)})
    author, platform = mention.author, mention.platform.label
    who = f"@{author.username}" if author.username else inert(author.name, 80) or f"a {platform} user"
    fallback = f"{_headline(tracked, role, label)} from {who}: {mention.text[:400]}"
    return {"text": inert(fallback, 300), "blocks": blocks}


def _from_line(mention: Mention, accounts: str, teams: Sequence[TeamView]) -> str:
    """Say who posted, where: an X mention of our accounts, or a comment on one of our pages."""
    author, platform = mention.author, mention.platform.label
    name = inert(author.name, 80) or f"a {platform} user"
    if mention.platform is Platform.X:
        return f"*From* {name} ({handle(author.username or author.id)}) *to* {accounts}"
    who = f"{name} ({handle(author.username)})" if author.username else name
    where = inert(page_name(mention, teams), 80) or "a force account"
    kind = "post" if mention.id == mention.conversation_id else "comment"
    return f"*{platform} {kind}* from {who} *on* {where}"


def _language_note(tracked: TrackedMention) -> Block:
    """Say the model could not read the post's language, with a link that opens it in a translator."""
    language = inert(tracked.decision.language, 10) or "another language"
    line = (
        f":globe_with_meridians: *Written in {language}*: triage could not read it with confidence, so a person "
        "must. Translate it before deciding; reply in the author's language if you can."
    )
    button = {
        **_button("Translate", MentionAction.TRANSLATE, tracked.mention.id),
        "url": translate_url(tracked.mention.text),
    }
    return {**section(line), "accessory": button}


def build_sla_reminder(tracked: TrackedMention, now: datetime) -> dict[str, Any]:
    """Build the thread nudge on a team card whose reply is due and nobody has claimed it."""
    due = tracked.sla_due or now
    line = (
        f":alarm_clock: *Reply overdue by {duration(now - due)}* (due {when(due)}) and nobody has claimed it. "
        "Claim it above, or pass it on with *Reassign*."
    )
    fallback = f"Reply overdue by {duration(now - due)}: nobody has claimed this mention"
    return {"text": fallback, "blocks": [section(line)]}


def build_desk_escalation(
    tracked: TrackedMention, now: datetime, teams: Sequence[TeamView] = (), card_link: str = ""
) -> dict[str, Any]:
    """Build the desk's SLA notice: which mention is overdue and where its one card is; no post text, no buttons."""
    due = tracked.sla_due or now
    label = CATEGORY_LABELS.get(tracked.decision.category, tracked.decision.category.value)
    team = inert(team_name(tracked.route, teams), 80)
    where = f"<{card_link}|Open its card>" if _LINK.match(card_link) else "Its card is above"
    banner = (
        f":alarm_clock: *Overdue:* {label} for {team}, no reply {duration(now - due)} after it was due and nobody "
        f"has claimed it. Can the desk pick it up? {where} to claim or reassign it."
    )
    return {"text": f"Overdue: {label} for {team}, unclaimed", "blocks": [section(banner), _about(tracked)]}


def build_urgent_realert(tracked: TrackedMention, now: datetime, card_posted: datetime) -> dict[str, Any]:
    """Build the control room's re-alert, posted under the card: how long the card has waited, and since the post."""
    label = CATEGORY_LABELS.get(tracked.decision.category, tracked.decision.category.value)
    waited, platform = duration(now - card_posted), tracked.mention.platform.label
    banner = (
        f":rotating_light: *Still not acknowledged {waited} after the card went up* ({label}, posted on {platform} "
        f"{duration(now - tracked.mention.created_at)} ago). Claim it on the card so everyone knows it is in hand."
    )
    return {"text": f"{label}: still not acknowledged after {waited}", "blocks": [section(banner), _about(tracked)]}


def build_redacted_card(tweet_id: str, reason: str) -> dict[str, Any]:
    """Build the card left behind when a post is deleted on X or passes retention: no text, no author, no buttons."""
    line = f":wastebasket: Mention removed ({inert(reason, 200)}). Its text and author are no longer kept."
    return {"text": "Mention removed", "blocks": [section(line), context(f"Post id {inert(tweet_id, 40)}")]}


def read_card_metadata(metadata: dict[str, Any] | None) -> tuple[str, str] | None:
    """Return (tweet id, route) when message metadata marks a mention card; None for SLA notices and the rest."""
    payload = (metadata or {}).get("event_payload") or {}
    if (metadata or {}).get("event_type") != MetadataType.MENTION.value or "role" in payload:
        return None
    return str(payload.get("tweet_id", "")), str(payload.get("route", ""))


def read_mention_action(body: dict[str, Any]) -> tuple[str, MentionAction, str]:
    """Read (tweet id, action, argument) from a card click; the argument is the chosen team of a reassign."""
    try:
        action = body["actions"][0]
        kind = MentionAction(action["action_id"])
        selected = action.get("selected_option")
        value = str(selected["value"] if selected else action.get("value", ""))
    except (KeyError, IndexError, TypeError, ValueError):
        raise InvalidInput({"action": "This button is not one of ours."}) from None
    tweet_id, _, argument = value.partition(":")
    if not MENTION_ID.match(tweet_id):
        raise InvalidInput({"action": "This card does not name a post."})
    return tweet_id, kind, argument


def _headline(tracked: TrackedMention, role: str, label: str) -> str:
    if tracked.decision.possible:
        return ":warning: POSSIBLE EMERGENCY: check now" if role == CONTROL_ROOM else ":warning: Possible emergency"
    if role == CONTROL_ROOM:
        if tracked.decision.urgent:
            return f":rotating_light: URGENT: {label.upper()}. Act now"
        return f":rotating_light: Escalated to the control room: {label}"
    return f":rotating_light: Urgent: {label}" if tracked.decision.urgent else label


def _fields(tracked: TrackedMention, teams: Sequence[TeamView], label: str) -> list[Block]:
    url = post_url(tracked.mention)
    due = f"{when(tracked.sla_due)}" if tracked.sla_due else "No reply needed"
    pairs = [
        ("Category", label),
        ("Urgency", _urgency(tracked)),
        ("Received", when(tracked.received_at)),
        ("Reply due", due),
        ("Team", inert(team_name(tracked.route, teams), 80)),
        ("Post", f"<{url}|Open on {tracked.mention.platform.label}>" if url else "Not available"),
    ]
    return [{"type": "mrkdwn", "text": f"*{name}*\n{value}"} for name, value in pairs]


def _urgency(tracked: TrackedMention) -> str:
    decision = tracked.decision
    score = f" ({decision.urgency:.2f})" if decision.urgency is not None else ""
    if decision.possible:
        return f":warning: Possible emergency{score}"
    return f":rotating_light: Urgent{score}" if decision.urgent else f"Routine{score}"


def _state_line(tracked: TrackedMention, now: datetime) -> str:
    if tracked.state is MentionState.REPLIED:
        line = ":white_check_mark: *Replied*"
        if not tracked.reply_text:  # a reply from Slack says who and as which account in its own line below
            line += f" by {handle(tracked.replied_by)}" if tracked.replied_by else ""
            line += f", marked by {user(tracked.handled_by)}" if tracked.handled_by else ""
        rt = tracked.response_time
        line += f" in {duration(rt)}" if rt is not None else ""
        if tracked.reply_text:
            line += sent_line(
                tracked.reply_text,
                tracked.replied_by,
                tracked.handled_by,
                tracked.reply_post_id,
                tracked.mention.platform,
            )
    elif tracked.state is MentionState.CLOSED:
        line = f":no_entry_sign: *Closed, no reply needed*: {user(tracked.handled_by) or 'by the desk'}"
    elif holder := tracked.claimant(now):
        until = tracked.claim_until or now
        line = f":raising_hand: *Claimed by {user(holder)}* until {when(until)}"
    else:
        line = ":large_yellow_circle: *Unclaimed*"
    if tracked.is_open and tracked.sla_due is not None and tracked.sla_due < now:
        line += f" · :alarm_clock: reply overdue by {duration(now - tracked.sla_due)}"
    if tracked.escalated_by:
        line += f"\n:rotating_light: Escalated to the control room by {user(tracked.escalated_by)}"
    return line


def _buttons(tracked: TrackedMention, role: str, teams: Sequence[TeamView], now: datetime) -> list[Block]:
    tweet_id = tracked.mention.id
    elements: list[Block] = []
    if tracked.is_open:
        if tracked.claimant(now):
            elements.append(_button("Release", MentionAction.RELEASE, tweet_id))
        else:
            elements.append(_button("Claim", MentionAction.CLAIM, tweet_id, "primary"))
        elements.append(_button("Mark replied", MentionAction.MARK_REPLIED, tweet_id))
        elements.append(_button("No reply needed", MentionAction.NO_REPLY_NEEDED, tweet_id))
    else:
        elements.append(_button("Reopen", MentionAction.REOPEN, tweet_id))
    if tracked.is_open and tracked.decision.needs_reply:
        elements.append(_button("Reply", MentionAction.REPLY, tweet_id, "primary" if tracked.claimant(now) else ""))
    if url := reply_url(tweet_id):
        elements.append({**_button("Reply on X", MentionAction.REPLY_ON_X, tweet_id), "url": url})
    if tracked.decision.possible:
        elements.append(_button("Confirm urgent", MentionAction.CONFIRM_URGENT, tweet_id, "danger"))
    if tracked.decision.urgent and role == CONTROL_ROOM:
        elements.append(_button("Not urgent", MentionAction.NOT_URGENT, tweet_id))
    if role != CONTROL_ROOM:
        others = [t for t in teams if t.key != tracked.route][:100]
        if others:
            elements.append(_reassign_select(tweet_id, others))
        if not tracked.escalated_by and tracked.route != CONTROL_ROOM:
            elements.append(_escalate_button(tweet_id))
    elements.append(_category_select(tracked))
    return elements


def _button(label: str, action: MentionAction, tweet_id: str, style: str = "") -> Block:
    button: Block = {"type": "button", "text": text(label, 75), "action_id": action, "value": tweet_id}
    return {**button, "style": style} if style else button


def _select(action: MentionAction, placeholder: str, tweet_id: str, choices: Mapping[str, str]) -> Block:
    """A menu whose options carry `tweet_id:choice`, read back by `read_mention_action`."""
    options = [{"text": text(label, 75), "value": f"{tweet_id}:{value}"} for value, label in choices.items()]
    return {"type": "static_select", "action_id": action, "placeholder": text(placeholder), "options": options}


def _reassign_select(tweet_id: str, teams: Sequence[TeamView]) -> Block:
    return _select(MentionAction.REASSIGN, "Reassign to…", tweet_id, {t.key: t.name for t in teams})


def _category_select(tracked: TrackedMention) -> Block:
    """Offer the other categories, so a person can tell triage it was wrong (a labelled example)."""
    current = tracked.decision.category
    others = {category.value: label for category, label in CATEGORY_LABELS.items() if category is not current}
    return _select(MentionAction.RECATEGORISE, "Wrong category…", tracked.mention.id, others)


def _escalate_button(tweet_id: str) -> Block:
    confirm = {
        "title": text("Escalate to the control room?"),
        "text": {"type": "mrkdwn", "text": "The control room gets this card now. Use it when someone may be at risk."},
        "confirm": text("Escalate"),
        "deny": text("Cancel"),
        "style": "danger",
    }
    return {**_button("Escalate", MentionAction.ESCALATE, tweet_id, "danger"), "confirm": confirm}


def _about(tracked: TrackedMention) -> Block:
    return context(f"Post id {inert(tracked.mention.id, 40)} · arrived {when(tracked.received_at)}")
