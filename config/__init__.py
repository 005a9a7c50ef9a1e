"""Configuration: process settings from the environment and the desk config from TOML."""
