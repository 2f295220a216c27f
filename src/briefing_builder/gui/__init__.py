"""The Qt layer: thin models and views over :mod:`briefing_builder.core`."""
