from sipcore.cli import main

raise SystemExit(main())
