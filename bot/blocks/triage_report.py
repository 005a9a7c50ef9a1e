"""Words for how triage and the desk agree: one line for the desk digest, a table for `commsdesk model report`."""

from __future__ import annotations

from bot.core.corrections import Agreement


def agreement_line(agreement: Agreement) -> str:
    """Summarise a period's agreement in one line (numbers only, no untrusted text)."""
    line = f"the desk corrected {agreement.corrected} of {agreement.decided} decisions ({agreement.rate:.0%} agreement)"
    recall = agreement.urgent_recall
    if recall is not None:
        found = agreement.urgent_kept + agreement.urgent_missed
        line += f"; urgent recall as the desk judged it {recall:.0%} ({agreement.urgent_kept} of {found})"
    return line


def agreement_report(agreement: Agreement, days: int) -> str:
    """Render the agreement over `days` days as plain-text tables for a terminal: by category, then by platform."""
    lines = [f"Triage and the desk over the last {days} days: {agreement_line(agreement)}.", ""]
    lines.append(f"{'category (as triage said)':<28}{'decided':>9}{'corrected':>11}{'agreement':>11}")
    for category, (decided, corrected) in agreement.by_category.items():
        rate = f"{1 - corrected / decided:.0%}" if decided else "-"
        lines.append(f"{category:<28}{decided:>9}{corrected:>11}{rate:>11}")
    if agreement.by_platform:
        header = (
            f"{'platform':<28}{'decided':>9}{'corrected':>11}{'agreement':>11}"
            f"{'urgent kept':>13}{'urgent missed':>15}{'urgent recall':>15}"
        )
        lines += ["", header]
        for platform, share in agreement.by_platform.items():
            rate = "-" if share.rate is None else f"{share.rate:.0%}"
            recall = "-" if share.urgent_recall is None else f"{share.urgent_recall:.0%}"
            lines.append(
                f"{platform.label:<28}{share.decided:>9}{share.corrected:>11}{rate:>11}{share.urgent_kept:>13}"
                f"{share.urgent_missed:>15}{recall:>15}"
            )
    return "\n".join(lines)
