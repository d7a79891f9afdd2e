"""``python -m tpbis``: the same as the ``tpbis`` command."""

from tpbis.cli.main import main

raise SystemExit(main())
