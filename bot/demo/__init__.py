"""`commsdesk demo`: the whole desk run offline on the sandbox stand-ins, narrated for a newcomer."""
