"""The signed link in a page's URL, checked before a page reads or changes anything.

A link is good only if its signature holds for the page's purpose, it has not
expired, and it was made with the current ``link_secret`` of the subscriber it
names (invariant 5).  Anything else raises ``InvalidLink``, which the app turns
into a 403 page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from service.db.tables import Delivery, Story, Subscriber
from service.deliver.tokens import LinkSigner, SignedLink
from service.errors import InvalidLink


@dataclass(frozen=True)
class LinkOwner:
    subscriber: Subscriber
    link: SignedLink


def link_owner(session: Session, signer: LinkSigner, purpose: str, token: str,
               *, lock: bool = False) -> LinkOwner:
    """The subscriber a link belongs to; ``lock`` holds the row until commit (PostgreSQL)."""
    link = signer.verify(purpose, token)
    subscriber = session.get(Subscriber, link.subscriber_id, with_for_update=lock)
    if subscriber is None:
        raise InvalidLink(f"this {purpose} link is for an address that is no longer on our list")
    link.check_owner(subscriber.link_secret)
    return LinkOwner(subscriber, link)


def linked_story(session: Session, owner: LinkOwner, story_id: int) -> Story:
    """Story ``story_id``, if the email the feedback link was made for held it: the link
    names that email's delivery (or, signed before stop 31, the issues it covered)."""
    story = session.get(Story, story_id)
    if story is None:
        # (not "no longer stored": an edited link names a story that never was: a review)
        raise InvalidLink("this link names no story we hold for its email")
    if not _in_linked_email(session, owner, story):
        raise InvalidLink("this feedback link is for the stories of another email")
    return story


def _in_linked_email(session: Session, owner: LinkOwner, story: Story) -> bool:
    delivery_id, issues = owner.link.extra.get("delivery"), owner.link.extra.get("issues")
    if isinstance(delivery_id, int) and not isinstance(delivery_id, bool):
        delivery = session.get(Delivery, delivery_id)
        return (delivery is not None and delivery.subscriber_id == owner.subscriber.id
                and story.id in delivery.story_ids)
    if isinstance(issues, list):
        return story.issue_id in issues
    raise InvalidLink("this feedback link does not name the email it is for")
