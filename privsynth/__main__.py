"""``python -m privsynth`` runs the CLI."""

import sys

from privsynth.cli import main

sys.exit(main())
