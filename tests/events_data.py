"""Stories for event tests, written for these tests (no newsletter text is copied here)."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from service.db.tables import Issue, Story
from service.events.store import EventSettings, assign_issue_events
from tests.db import FIXED_NOW, get_source, theme_rows

_serial = itertools.count(1)
DEFAULTS = EventSettings()

QWQ_A = ("Alibaba ships QwQ-32B, a small reasoning model",
         "Alibaba's Qwen team released QwQ-32B, a 32 billion parameter reasoning model trained "
         "with reinforcement learning. Alibaba says QwQ-32B matches DeepSeek-R1 on math and "
         "coding benchmarks and beats OpenAI o1-mini, and the weights are under Apache 2.0.")
QWQ_B = ("Compact reasoning from Alibaba",
         "A much smaller model now rivals the big reasoners. Alibaba introduced QwQ-32B, whose "
         "32 billion parameters compete with DeepSeek-R1 and OpenAI o1-mini on reasoning "
         "benchmarks; Qwen trained it with reinforcement learning and outcome rewards.")
PHI_4 = ("Microsoft releases Phi-4-multimodal",
         "Microsoft released Phi-4-multimodal, a 5.6 billion parameter open weights model that "
         "takes speech, images and text, and Phi-4-mini, a 3.8 billion parameter text model.")
PHI_35 = ("Microsoft unveils Phi-3.5 small models",
          "Microsoft unveiled Phi-3.5-mini and Phi-3.5-MoE, small open models it says beat "
          "Llama and Gemini Flash on several benchmarks, with a 128k context window.")
COURT = ("Judge rules against Ross Intelligence in Thomson Reuters copyright case",
         "A Delaware federal judge ruled that Ross Intelligence infringed Thomson Reuters' "
         "copyright by training its legal search tool on Westlaw headnotes; fair use failed.")
WAYMO = ("Waymo starts robotaxi rides in Austin with Uber",
         "Waymo and Uber opened robotaxi service in Austin, Texas, where riders hail Jaguar "
         "I-Pace vehicles through the Uber app across 37 square miles of the city.")
SESAME = ("Sesame demos a startlingly human voice assistant",
          "Sesame, the startup founded by Oculus co-founder Brendan Iribe, showed Maya and "
          "Miles, conversational speech model voices that pause, laugh and interrupt.")
ROUNDUP = ("This week in open models", "\n".join([
    "Open models had a big week. " + QWQ_B[1] + " It is free to download and Alibaba "
    "shares rose on the news, as investors compared QwQ-32B with DeepSeek-R1 again. "
    "The Qwen team published the recipe: cold-start data, then reinforcement learning with "
    "accuracy verifiers for math and a code execution server for programming tasks, then a "
    "general RL stage to keep instruction following. Benchmarks on AIME24 and LiveCodeBench "
    "put QwQ-32B next to DeepSeek-R1 at a twentieth of the parameters.",
    "Meanwhile " + PHI_4[1] + " Microsoft says Phi-4-multimodal leads the Hugging Face "
    "OpenASR leaderboard for speech recognition with a word error rate of 6.14 percent, and "
    "Phi-4-mini supports function calling and a 128,000 token context. Both Phi-4 models are "
    "on Azure AI Foundry, Hugging Face and the NVIDIA API catalog under the MIT license, and "
    "Microsoft pitches them for phones, PCs and cars that run models on device. Phi-4-mini "
    "was trained on 5 trillion tokens of filtered web data and synthetic textbooks, and "
    "Microsoft reports Phi-4-multimodal ahead of Gemini 2.0 Flash on speech translation.",
    "Also noted: a quiet week for chips, and a reminder that benchmark tables age fast.",
]))

PHI_4_LONG = ("Inside Microsoft's Phi-4 family", "\n".join([  # one piece of news, told at length
    ROUNDUP[1].split("\n")[1].removeprefix("Meanwhile "),
    "Phi-4-multimodal uses a mixture of LoRAs: the Phi-4-mini language model stays frozen "
    "while adapters for speech and vision are trained on top, so Microsoft can add a "
    "modality without retraining the base. Microsoft says the speech adapter alone holds "
    "460 million parameters, and that Phi-4-multimodal summarises audio of up to 40 minutes. "
    "Developers can fine-tune Phi-4-mini on Azure AI Foundry, and Microsoft has shown "
    "Phi-4-multimodal answering questions about charts and screenshots on a laptop.",
    "Microsoft's Phi-4 technical report credits synthetic data for most of the gains over "
    "Phi-3.5, and the company says Phi-4-mini and Phi-4-multimodal passed red teaming by "
    "its AI Red Team before release; both are meant for phones, PCs and cars.",
]))


def store_issue(session: Session, source: str, stories: Sequence[tuple[str, str]], *,
                sent_at: datetime = FIXED_NOW, themes: dict[str, float] | None = None,
                settings: EventSettings = DEFAULTS) -> Issue:
    """An issue of ``source`` with these (headline, text) stories, put into events."""
    serial = next(_serial)
    issue = Issue(
        dedupe_key=f"<events-{serial}-{uuid.uuid4().hex}@newsalerts.test>",
        message_id=f"<events-{serial}@newsalerts.test>", source=get_source(session, source),
        sender="news@example.com", subject=f"{source} {serial}: news", sent_at=sent_at,
        received_at=sent_at, origin="test",
        content_hash=hashlib.sha256(f"events-{serial}".encode()).hexdigest(), raw=b"")
    for index, (headline, text) in enumerate(stories):
        story = Story(index=index, headline=headline, text=f"{headline}\n{text}",
                      links=[{"text": headline, "url": f"https://example.com/{serial}/{index}"}])
        story.themes = theme_rows(themes or {"compute": 0.9})
        issue.stories.append(story)
    session.add(issue)
    session.flush()
    assign_issue_events(session, issue.id, settings)
    return issue
