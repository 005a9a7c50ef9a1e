"""Every Slack action id, callback id, block id and metadata event type, spelled once."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    REQUEST_PLATFORM = "/request-platform"
    COMMSDESK = "/commsdesk"


class MetadataType(StrEnum):
    MENTION = "commsdesk_mention"
    PLATFORM_REQUEST = "commsdesk_platform_request"
    DIGEST = "commsdesk_digest"
    SURGE_SUMMARY = "commsdesk_surge_summary"
    REPLY_APPROVAL = "commsdesk_reply_approval"


class MentionAction(StrEnum):
    """Buttons and selects on a mention card."""

    CLAIM = "mention_claim"
    RELEASE = "mention_release"
    MARK_REPLIED = "mention_mark_replied"
    NO_REPLY_NEEDED = "mention_no_reply"
    REOPEN = "mention_reopen"
    REASSIGN = "mention_reassign"
    ESCALATE = "mention_escalate"
    REPLY_ON_X = "mention_reply_on_x"
    CONFIRM_URGENT = "mention_confirm_urgent"
    NOT_URGENT = "mention_not_urgent"
    RECATEGORISE = "mention_recategorise"
    TRANSLATE = "mention_translate"
    REPLY = "mention_reply"  # opens the reply modal


class ReplyAction(StrEnum):
    """Controls of the reply modal and buttons of a reply's approval card."""

    PICK_SAVED = "reply_pick_saved"
    CHECK = "reply_check"  # count the draft and run the second look without sending
    TEXT = "reply_text"
    ACCOUNT = "reply_account"
    APPROVE = "reply_approve"
    EDIT = "reply_edit"
    REJECT = "reply_reject"


class ReplyView(StrEnum):
    COMPOSE = "reply_compose"


class ReplyBlock(StrEnum):
    """Block ids of the reply modal; the text block's id gains a number each time a saved reply refills it."""

    POST = "reply_post"
    SAVED = "reply_saved"
    TEXT = "reply_text"
    BUDGET = "reply_budget"
    CHECK = "reply_check"
    ACCOUNT = "reply_account"
    FLAGS = "reply_flags"
    DECISION = "reply_decision"


class RequestAction(StrEnum):
    """Buttons on a platform request review card and in the requester's DMs."""

    APPROVE = "request_approve"
    DECLINE = "request_decline"
    ASK_INFO = "request_ask_info"
    UPDATE = "request_update"
    WITHDRAW = "request_withdraw"


class RequestView(StrEnum):
    """Modal callback ids of the platform request flow."""

    FORM = "request_form"
    DECLINE_REASON = "request_decline_reason"
    INFO_QUESTION = "request_info_question"


class RequestBlock(StrEnum):
    """Block ids of the platform request flow that are not form fields (those are the core's field names)."""

    NOTE = "note"
    ACTIONS = "request_actions"
