"""The JSON API (filled in by app/api/*.py modules)."""
