"""Entry script of the packaged desktop app's windowed executable (``briefing-builder-gui``).

Everything it is given goes to the desktop app: ``briefing-builder-gui [--library DIR] [BRIEFING]``,
as a file manager, the Windows shell or the Start menu call it. The console executable
(``briefing-builder``) runs ``src/briefing_builder/__main__.py``, the whole command line.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    # First of all: in a loader worker started by "spawn" this runs the worker and exits.
    multiprocessing.freeze_support()
    from briefing_builder.__main__ import main

    args = sys.argv[1:]
    sys.exit(main(args if args[:1] == ["gui"] else ["gui", *args]))
