"""Adapters: one outside SDK each (tweepy, slack_sdk, redis); SDK objects never leave this package."""
