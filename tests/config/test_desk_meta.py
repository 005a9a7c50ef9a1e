"""Facebook Pages and Instagram accounts in the desk config: per team, by Graph id and name, validated."""

from __future__ import annotations

import pytest

from config.desk import DeskConfigError, parse_desk
from tests.conftest import EXAMPLE_DESK


def test_pages_and_accounts_belong_to_teams() -> None:
    desk = parse_desk(EXAMPLE_DESK.read_text())
    assert [(t.key, p.name) for t, p in desk.facebook_pages()] == [
        ("force", "Midshire Police"),
        ("northtown", "Northtown Neighbourhood Police"),
    ]
    assert [(t.key, a.id) for t, a in desk.instagram_accounts()] == [("northtown", "17841400000000003")]
    assert desk.meta.poll_seconds == 300 and desk.meta.backoff_at_percent == 80


def test_a_file_without_meta_keys_still_loads() -> None:
    text = "\n".join(
        line for line in EXAMPLE_DESK.read_text().splitlines() if not line.startswith(("facebook_", "instagram_"))
    )
    assert parse_desk(text).facebook_pages() == []


@pytest.mark.parametrize(
    ("replace", "problem"),
    [
        ('id = "1500000000000003"', 'id = "northtown-page"'),
        ('name = "Northtown Neighbourhood Police"', 'name = ""'),
        ('id = "17841400000000003"', 'id = "1500000000000003"'),
        ('facebook_pages = [{ id = "1500000000000001", name = "Midshire Police" }]', 'facebook_pages = [{ id = "1" }]'),
    ],
)
def test_bad_pages_are_named(replace: str, problem: str) -> None:
    with pytest.raises(DeskConfigError) as err:
        parse_desk(EXAMPLE_DESK.read_text().replace(replace, problem), "desk.toml")
    assert "desk.toml: " in str(err.value)


def test_repeated_ids_are_named() -> None:
    text = EXAMPLE_DESK.read_text().replace('id = "17841400000000003"', 'id = "1500000000000003"')
    with pytest.raises(DeskConfigError, match="repeated: 1500000000000003"):
        parse_desk(text)
