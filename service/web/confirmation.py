"""The double opt-in email, sent straight from the subscribe form.

It is not a delivery row: it goes to an address that has not agreed to
anything yet, and the person is waiting for it now.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from email.utils import make_msgid

from service.context import Context
from service.db.tables import Subscriber
from service.deliver.links import confirm_url
from service.deliver.render import Letterhead, list_host, render_confirmation
from service.deliver.transport import open_transport

log = logging.getLogger(__name__)


def send_confirmation(ctx: Context, subscriber: Subscriber, themes: Sequence[str]) -> None:
    """Email ``subscriber`` their confirmation link; raises DeliveryError when it fails."""
    letterhead = Letterhead(
        sender=ctx.settings.smtp.from_, base_url=ctx.base_url, date=ctx.now(),
        message_id=make_msgid("confirm", domain=list_host(ctx.base_url)),
    )
    url = confirm_url(ctx.base_url, ctx.signer, subscriber.id, subscriber.link_secret)
    message = render_confirmation(subscriber.email, url, themes, letterhead)
    with open_transport(ctx.settings) as transport:
        transport.send(message, subscriber.email)
    log.info("sent a confirmation email to subscriber %s", subscriber.id)
