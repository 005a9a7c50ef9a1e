"""SlackMembership against the Slack stand-in: pagination, the cache's TTL and miss refresh, failing closed."""

from __future__ import annotations

import pytest

from bot.adapters.slack_membership import SlackMembership
from bot.sandbox import SlackSandbox
from bot.services import build_slack_client
from config.settings import Settings

CHANNEL, GROUP = "C0NORTH0001", "S0NORTHGRP1"
OFFICER, NEWCOMER = "U0NORTH0001", "U0NEWBIE001"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def membership(settings: Settings, clock: Clock) -> SlackMembership:
    """The adapter on the client the app builds (429 and 5xx retried twice), with a clock the test moves."""
    return SlackMembership(build_slack_client(settings), ttl=300, floor=15, clock=clock)


def lookups(sandbox: SlackSandbox, method: str = "conversations.members") -> int:
    return len(sandbox.calls_to(method))


def test_members_are_read_across_pages(slack_sandbox: SlackSandbox, membership: SlackMembership) -> None:
    crowd = [f"U0CROWD{n:04d}" for n in range(2500)]
    slack_sandbox.set_members(CHANNEL, [*crowd, OFFICER])
    assert membership.in_channel(CHANNEL, OFFICER) is True
    assert membership.in_channel(CHANNEL, crowd[0]) is True
    calls = slack_sandbox.calls_to("conversations.members")
    assert len(calls) == 3 and [c.params.get("cursor") for c in calls] == [None, "1000", "2000"]


def test_a_list_is_cached_for_at_most_the_ttl(
    slack_sandbox: SlackSandbox, membership: SlackMembership, clock: Clock
) -> None:
    slack_sandbox.set_members(CHANNEL, [OFFICER])
    assert membership.in_channel(CHANNEL, OFFICER) is True
    clock.now += 299
    assert membership.in_channel(CHANNEL, OFFICER) is True and lookups(slack_sandbox) == 1
    slack_sandbox.set_members(CHANNEL, [])  # removed from the channel
    clock.now += 1
    assert membership.in_channel(CHANNEL, OFFICER) is False and lookups(slack_sandbox) == 2


def test_a_miss_refreshes_once_the_list_is_older_than_the_floor(
    slack_sandbox: SlackSandbox, membership: SlackMembership, clock: Clock
) -> None:
    slack_sandbox.set_members(CHANNEL, [OFFICER])
    assert membership.in_channel(CHANNEL, NEWCOMER) is False and lookups(slack_sandbox) == 1
    slack_sandbox.set_members(CHANNEL, [OFFICER, NEWCOMER])  # invited just now
    clock.now += 14
    assert membership.in_channel(CHANNEL, NEWCOMER) is False and lookups(slack_sandbox) == 1  # within the floor
    clock.now += 1
    assert membership.in_channel(CHANNEL, NEWCOMER) is True and lookups(slack_sandbox) == 2
    assert membership.in_channel(CHANNEL, "U0STRANGER1") is False and lookups(slack_sandbox) == 2  # fresh again


def test_slack_failing_answers_none_and_a_later_success_answers_again(
    slack_sandbox: SlackSandbox, membership: SlackMembership, clock: Clock
) -> None:
    assert membership.in_channel(CHANNEL, OFFICER) is None  # channel_not_found: the bot cannot read it
    slack_sandbox.set_members(CHANNEL, [OFFICER])
    slack_sandbox.fail_next("conversations.members", status=500, times=3)
    assert membership.in_channel(CHANNEL, OFFICER) is None
    assert membership.in_channel(CHANNEL, OFFICER) is True


def test_a_failed_refresh_never_turns_a_cached_no_into_a_yes(
    slack_sandbox: SlackSandbox, membership: SlackMembership, clock: Clock
) -> None:
    slack_sandbox.set_members(CHANNEL, [OFFICER])
    assert membership.in_channel(CHANNEL, NEWCOMER) is False
    clock.now += 20
    slack_sandbox.fail_next("conversations.members", status=500, times=3)
    assert membership.in_channel(CHANNEL, NEWCOMER) is None
    clock.now += 300
    slack_sandbox.fail_next("conversations.members", status=500, times=3)
    assert membership.in_channel(CHANNEL, OFFICER) is None  # the cached yes is past its TTL


def test_user_groups_are_read_and_cached(
    slack_sandbox: SlackSandbox, membership: SlackMembership, clock: Clock
) -> None:
    assert membership.in_group(GROUP, OFFICER) is None  # no such group
    slack_sandbox.set_usergroup(GROUP, [OFFICER])
    assert membership.in_group(GROUP, OFFICER) is True
    assert membership.in_group(GROUP, OFFICER) is True
    assert lookups(slack_sandbox, "usergroups.users.list") == 2
