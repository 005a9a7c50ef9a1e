"""Test machinery shared by the suite: a real redis-server, loopback guard, signed Slack requests."""
