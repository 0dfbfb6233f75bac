"""The "wrong themes?" page: a reader says which themes a story really has.

Each answer is stored as a reader label (one per reader and story; a second
answer replaces the first), which training counts as a vote.  Only an active
subscriber's answer counts: after unsubscribing (or bouncing) the old links
are refused.
"""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.classify.label_rows import READER, save_label
from service.db.database import transaction
from service.db.tables import Label, Story
from service.domain import SubscriberStatus
from service.web.forms import FormError, parse_themes
from service.web.review_queue import current_themes
from service.web.signed import link_owner, linked_story
from service.web.views.base import Page, submitted_form

NOT_A_READER = ("This address no longer receives our emails, so its answers are not "
                "counted. Subscribe again to tell us about new stories.")


class FeedbackPage(Page):
    def get(self, token: str, story_id: int) -> str:
        with transaction(self.ctx.sessions) as session:
            owner = link_owner(session, self.ctx.signer, "feedback", token)
            story = linked_story(session, owner, story_id)
            earlier = reader_label(session, story.id, owner.subscriber.email)
            checked = earlier if earlier is not None else current_themes(story)
            if owner.subscriber.status != SubscriberStatus.ACTIVE:
                # said before the reader fills the form in, not after (the web review)
                return _page(story, checked=checked, error=NOT_A_READER)
            return _page(story, checked=checked)

    def post(self, token: str, story_id: int) -> tuple[str, int]:
        with transaction(self.ctx.sessions) as session:
            # The lock makes two quick submissions replace, not duplicate, the label.
            owner = link_owner(session, self.ctx.signer, "feedback", token, lock=True)
            story = linked_story(session, owner, story_id)
            if owner.subscriber.status != SubscriberStatus.ACTIVE:
                # Labels train the model: only current readers' answers count.
                return _page(story, checked=current_themes(story),
                             error=NOT_A_READER), 409
            try:
                themes = parse_themes(submitted_form())
            except FormError as exc:
                return _page(story, checked=current_themes(story), error=str(exc)), 400
            save_label(session, story.id, themes, READER, owner.subscriber.email)
            return _page(story, checked=themes, notice=_thanks(themes)), 200


def reader_label(session: Session, story_id: int, who: str) -> list[str] | None:
    query = (
        select(Label.themes)
        .where(Label.story_id == story_id, Label.role == READER, Label.who == who)
        .order_by(Label.id.desc())
        .limit(1)
    )
    themes = session.scalar(query)
    return list(themes) if themes is not None else None


def _page(story: Story, *, checked: list[str], **notices: str) -> str:
    return render_template(
        "pages/feedback.html", headline=story.headline, issue_subject=story.issue.subject,
        story_id=story.id, current=current_themes(story), checked=checked, **notices,
    )


def _thanks(themes: list[str]) -> str:
    said = ", ".join(themes) if themes else "none of these themes"
    return f"Thank you. We noted this story as: {said}. You can change your answer here."
