"""The application layer: each module is one job of the desk, composed from core rules, blocks and adapters."""
