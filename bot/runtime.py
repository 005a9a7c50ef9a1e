"""Process start-up shared by `web`, `worker` and `run`: settings, logging, desk config, services."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from bot.adapters.store import check_redis, record_first_start
from bot.cli._common import desk_or_exit, fail, settings_or_exit
from bot.core.errors import CommsDeskError
from bot.logs import configure_logging, get_logger
from bot.services import Services, build_services

log = get_logger(__name__)


def start_services(*required: str, check_store: bool = True) -> Services:
    """Load and validate everything a long-running process needs, or exit with one clear message."""
    settings = settings_or_exit(*required)
    configure_logging(settings.log_level, settings.log_format, sys.stdout)
    desk = desk_or_exit(settings.commsdesk_config)
    services = build_services(settings, desk)
    if check_store:
        try:
            report = check_redis(services.redis, desk.redis.assume_noeviction)
        except CommsDeskError as exc:
            fail(str(exc))
        for warning in report.warnings:
            log.warning(warning)
        for note in report.notes:
            log.info(note)
        started = record_first_start(services.redis, datetime.now(UTC))
        log.info(
            "redis ready", version=report.version, persistence=report.persistence, desk_started=started.isoformat()
        )
    return services
