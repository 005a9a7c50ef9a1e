"""Local stand-ins for Slack's Web API and the X API v2, for the demo, the tests and the benchmarks."""

from __future__ import annotations

from bot.sandbox.slack_api import SlackCall, SlackSandbox
from bot.sandbox.x_api import XCall, XSandbox

__all__ = ["SlackCall", "SlackSandbox", "XCall", "XSandbox"]
