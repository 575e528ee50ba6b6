"""`python -m minsim` is the `minsim` command."""

import sys

from minsim.cli import main

sys.exit(main())
