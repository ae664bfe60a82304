"""Build internals behind build.py: page rendering, Decision Desk assets, security headers."""
