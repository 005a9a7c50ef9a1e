"""The web process's edges: the hardened WSGI front door for Slack, and the Prometheus metrics both processes serve."""
