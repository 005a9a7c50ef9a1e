"""Pure domain logic: imports the standard library and pydantic only, never an SDK or our adapters."""
