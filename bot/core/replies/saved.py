"""Saved replies: the answers a force gives again and again, with the handle, team and account filled in.

The desk config's `[[replies]]` replace these defaults; their placeholders are checked when the config loads
(`config/desk.py` names the same three), so filling one here never meets an unknown name.
"""

from __future__ import annotations

from dataclasses import dataclass

PLACEHOLDERS = ("handle", "team", "account")


@dataclass(frozen=True)
class SavedReply:
    """A named reply text with `{handle}`, `{team}` and `{account}` placeholders."""

    name: str
    text: str

    def fill(self, handle: str, team: str, account: str, at: bool = True) -> str:
        """Return the text with the author's @handle, the team's name and the sending @account in place.

        With `at` False both go in as given: a Facebook commenter has a name, not a handle, and a page has a name.
        """
        if at:
            handle, account = f"@{handle.lstrip('@')}", f"@{account.lstrip('@')}"
        return self.text.format(handle=handle, team=team, account=account).strip()


DEFAULT_REPLIES = (
    SavedReply(
        "Call 999 now",
        "{handle} If you or someone else is in danger or a crime is happening now, please call 999 straight away. "
        "This account is not monitored 24/7.",
    ),
    SavedReply(
        "Report online or call 101",
        "{handle} Thanks for letting us know. Please report this online at police.uk or call 101 so it can be "
        "recorded and looked into. If it's happening now, call 999.",
    ),
    SavedReply(
        "Please DM us",
        "{handle} Thanks for getting in touch. Please send us a direct message with the details so we can help; "
        "don't share personal information publicly.",
    ),
    SavedReply(
        "Passed to the local team",
        "{handle} Thanks, we've passed this to {team}, who will look into it.",
    ),
    SavedReply(
        "Thanks for the kind words",
        "{handle} Thank you for the kind words, we'll pass them on to the officers involved. {team}",
    ),
)
