"""Run the policy engine's command line: python -m policy_engine --help."""

import sys

from .cli import main

sys.exit(main())
