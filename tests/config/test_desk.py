from __future__ import annotations

from pathlib import Path

import pytest

from config.desk import DeskConfigError, load_desk, parse_desk
from tests.conftest import EXAMPLE_DESK


def test_example_loads_with_defaults(desk_text: str) -> None:
    desk = parse_desk(desk_text)
    assert [t.key for t in desk.teams] == ["force", "roads", "northtown", "riverside", "oldfield"]
    assert desk.channel_for("control_room") == "C0CTRL00001"
    assert desk.channel_for("riverside") == "C0RIVER0001"
    assert desk.channel_for("desk") == "C0DESK00001"
    assert desk.desk.staffed_from == "08:00" and desk.x.strategy == "mentions_timeline"
    assert "TikTok" in desk.requests.platforms


@pytest.fixture
def desk_text() -> str:
    return EXAMPLE_DESK.read_text()


def test_unknown_key_names_file_and_key(desk_text: str) -> None:
    with pytest.raises(DeskConfigError) as err:
        parse_desk(desk_text.replace("[triage]", "[triage]\nreply_sla_minuts = 5"), "desk.toml")
    assert "desk.toml: triage.reply_sla_minuts: unknown key" in str(err.value)


def test_bad_values_are_each_named(desk_text: str) -> None:
    text = desk_text.replace('timezone = "Europe/London"', 'timezone = "Mars/Olympus"')
    text = text.replace('channel = "C0ROADS0001"', 'channel = "#roads"')
    with pytest.raises(DeskConfigError) as err:
        parse_desk(text, "desk.toml")
    message = str(err.value)
    assert "desk.toml: timezone: Value error, unknown time zone 'Mars/Olympus'" in message
    assert "desk.toml: teams[1].channel:" in message


def test_duplicate_team_keys_refused(desk_text: str) -> None:
    with pytest.raises(DeskConfigError, match="repeated: roads"):
        parse_desk(desk_text.replace('key = "force"', 'key = "roads"'))


def test_reserved_team_key_refused(desk_text: str) -> None:
    with pytest.raises(DeskConfigError, match="reserved route name"):
        parse_desk(desk_text.replace('key = "force"', 'key = "desk"'))


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DeskConfigError, match="not valid TOML"):
        parse_desk("timezone = ", "x.toml")
    with pytest.raises(DeskConfigError, match="set COMMSDESK_CONFIG"):
        load_desk(tmp_path / "absent.toml")


def test_access_lists_default_to_channel_membership(desk_text: str) -> None:
    access = parse_desk(desk_text).access
    assert access.desk is None and access.control_room is None and access.teams == {}


def test_access_lists_take_user_and_user_group_ids(desk_text: str) -> None:
    extra = '\n[access]\ncontrol_room = ["U0CTRL00001", "W0ENTERPRS1", "S0CONTROL01"]\n'
    extra += '[access.teams]\nnorthtown = ["S0NORTHGRP1"]\n'
    access = parse_desk(desk_text + extra).access
    assert access.control_room == ("U0CTRL00001", "W0ENTERPRS1", "S0CONTROL01")
    assert access.teams == {"northtown": ("S0NORTHGRP1",)} and access.desk is None


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ('desk = ["@alice"]', "desk.toml: access.desk[0]: String should match pattern"),
        ("desk = []", "desk.toml: access.desk: Tuple should have at least 1 item"),
        (
            '[access.teams]\nsouthtown = ["U0SOUTH0001"]',
            "[access.teams] names teams that are not on the desk: southtown",
        ),
        ('deks = ["U0LEAD00001"]', "desk.toml: access.deks: unknown key"),
    ],
)
def test_bad_access_lists_are_named(desk_text: str, extra: str, problem: str) -> None:
    with pytest.raises(DeskConfigError) as err:
        parse_desk(desk_text + "\n[access]\n" + extra + "\n", "desk.toml")
    assert problem in str(err.value)


def test_saved_replies_and_approval_are_read(desk_text: str) -> None:
    extra = '\n[[replies]]\nname = "DM us"\ntext = "{handle} Please DM us, {team} ({account})."\n'
    desk = parse_desk(desk_text.replace("require_approval = false", "require_approval = true") + extra)
    assert desk.reply.require_approval and desk.reply.approval_for == ("flagged", "outside_desk")
    assert [(r.name, r.text) for r in desk.replies] == [("DM us", "{handle} Please DM us, {team} ({account}).")]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{handle} ask {officer}", "replies[0].text: Value error, unknown placeholder {officer}; use {handle}"),
        ("{handle", "replies[0].text: Value error, expected '}' before end of string"),
    ],
)
def test_a_saved_reply_with_an_unknown_placeholder_is_an_error(desk_text: str, text: str, problem: str) -> None:
    with pytest.raises(DeskConfigError) as err:
        parse_desk(desk_text + f'\n[[replies]]\nname = "x"\ntext = "{text}"\n', "desk.toml")
    assert str(err.value).startswith(f"desk.toml: {problem}")
