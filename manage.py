#!/usr/bin/env python
"""Django's command-line utility for Manabi.

The project shell lives in ``site/`` (settings in ``site/config``). ``site`` is
also the name of Python's start-up module, so ``site/`` itself is never imported:
it is put on the import path and its packages (``config``, ``home``, ``search``)
are imported by their own names.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main():
    sys.path[:0] = [str(ROOT), str(ROOT / "site")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
