"""``python -m rtutils_web.cli``: the same as the ``request-tracker-utils`` command."""

from rtutils_web.cli.main import main

raise SystemExit(main())
