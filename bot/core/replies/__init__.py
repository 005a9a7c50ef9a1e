"""Replying to the public from Slack: X's character count, saved replies, the disclosure check and the use case."""
