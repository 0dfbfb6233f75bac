"""What every page's view class shares: the Context, and the form of the request."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from service.context import Context
from service.web.forms import FormFields

# Links from one page to another are relative: the page works on whatever
# address it was reached by (emails use [web] base_url instead).
PAGE_LINKS = ""
# The largest id a row holds: PostgreSQL's integer.  A larger number in a path or a form
# names no row, and must not reach the database, where it fails (a 500).
MAX_ROW_ID = 2**31 - 1


class Page(MethodView):
    """One page of the app; Flask makes one instance per app, given the Context."""

    init_every_request = False

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx


def client_address() -> str:
    """The peer's address, as waitress saw it (proxy headers are trusted only when
    ``[web] trusted_proxy`` names the proxy)."""
    return request.remote_addr or "unknown"


def submitted_form() -> FormFields:
    return FormFields(dict(request.form.lists()))


# One line per theme for the forms (THEMES.md has the full definitions).
THEME_BLURBS: tuple[tuple[str, str], ...] = (
    ("safety", "Alignment, misuse, red teaming, dangerous capabilities, AI risk."),
    ("policy", "Governments, laws, export controls, regulation and geopolitics of AI."),
    ("compute", "Chips, GPUs, clusters, datacenters and the cost of training runs."),
    ("robotics", "Robots, drones, self-driving cars and machines that act in the world."),
)
