"""Briefing Builder: turn curated research evidence into referenced briefings."""

__version__ = "0.1.0"
