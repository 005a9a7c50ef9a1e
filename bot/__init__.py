"""Comms Desk: a Slack bot for a police force's corporate communications desk."""
