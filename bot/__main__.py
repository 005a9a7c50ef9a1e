"""`python -m bot` is the `commsdesk` command."""

from bot.cli import main

if __name__ == "__main__":
    main()
