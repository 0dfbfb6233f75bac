"""newsalerts: newsletter issues in, tagged stories out, alerts to subscribers."""

from __future__ import annotations

import logging

__version__ = "0.1.0"

# Every module logs to a child of "service" (logging.getLogger(__name__));
# handlers are the application's business (service/ops/logs.py), never set at import.
logging.getLogger("service").addHandler(logging.NullHandler())
