"""Bringing a Slack export home: its format, its markup, where its channels go."""
