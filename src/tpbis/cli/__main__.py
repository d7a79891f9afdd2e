"""``python -m tpbis.cli``."""

from tpbis.cli.main import main

raise SystemExit(main())
