"""The Qt-free core: evidence library, filtering and (later) the briefing model.

Nothing in this package may import PySide6; a test holds that line.
"""
