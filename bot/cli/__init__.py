"""The `commsdesk` command line (contract.md): one module per command, gathered here."""

from __future__ import annotations

import click

from bot.cli.accounts import accounts
from bot.cli.audit import audit
from bot.cli.check import check
from bot.cli.demo import demo
from bot.cli.digest import digest
from bot.cli.meta import meta
from bot.cli.migrate import migrate
from bot.cli.model import model
from bot.cli.requests import requests
from bot.cli.run import run
from bot.cli.subject import subject
from bot.cli.triage import triage
from bot.cli.web import web
from bot.cli.worker import worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="commsdesk")
def main() -> None:
    """Comms Desk: mention triage, platform requests and the morning digest for a force's comms desk."""


for command in (web, worker, run, triage, digest, check, demo, requests, model):
    main.add_command(command)
main.add_command(migrate)
main.add_command(subject)
main.add_command(audit)
main.add_command(meta)
main.add_command(accounts)
