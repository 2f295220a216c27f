"""Briefing Builder: turn curated research evidence into referenced briefings."""

import logging

__version__ = "0.1.0"

# Used as a library, the package logs nothing until core.logs.setup_logging is called (the app
# and the command line call it): without this, Python would print warnings to standard error.
logging.getLogger(__name__).addHandler(logging.NullHandler())
