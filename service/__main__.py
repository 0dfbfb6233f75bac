from __future__ import annotations

from service.cli.main import main

if __name__ == "__main__":  # not when a child process (retraining.py) imports it
    main()
