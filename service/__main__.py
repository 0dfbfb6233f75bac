from __future__ import annotations

from service.cli.main import main

main()
