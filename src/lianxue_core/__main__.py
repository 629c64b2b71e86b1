"""``python -m lianxue_core``: the same as the ``lianxue`` command."""

from .cli import main

raise SystemExit(main())
