"""The worker's schedule is a table: every job is named in the scheduler (and so in its logs) by what it does."""

from __future__ import annotations

from bot.services import Services
from bot.worker import Lease, build_worker


def test_every_scheduled_job_has_a_readable_name_and_its_own_id(services: Services) -> None:
    jobs = build_worker(services).scheduler().get_jobs()
    names = {job.id: job.name for job in jobs}
    assert names == {
        "poll": "poll",
        "own_posts": "own_posts",
        "sla": "sla",
        "compliance": "compliance",
        "retention": "retention",
        "digest_catch_up": "digest_catch_up",
        "digest": "morning digest",
    }


def test_each_x_and_slack_job_runs_under_a_lease_so_one_replica_runs_each_tick(services: Services) -> None:
    leases = {job.name: job.lease for job in build_worker(services).schedule()}
    assert leases == {
        "poll": Lease.TICK,
        "own_posts": Lease.TICK,
        "sla": Lease.TICK,
        "compliance": Lease.PERIOD,
        "retention": Lease.PERIOD,
        "digest_catch_up": Lease.NONE,
    }
