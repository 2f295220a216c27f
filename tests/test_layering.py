"""The core stays free of Qt: importing it must not import PySide6."""

import subprocess
import sys


def test_core_does_not_import_qt() -> None:
    code = (
        "import sys\n"
        "import briefing_builder.core.loader, briefing_builder.core.filtering, "
        "briefing_builder.core.cache, briefing_builder.core.textmatch, briefing_builder.cli, "
        "briefing_builder.core.reading, briefing_builder.curation.extract, "
        "briefing_builder.curation.reference, briefing_builder.curation.add_source\n"
        "from briefing_builder.core.cache import open_library\n"
        "from briefing_builder.core.paths import bundled_library\n"
        "open_library(bundled_library(), use_cache=False)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
