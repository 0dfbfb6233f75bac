"""Stories in other languages: translated cues and the subject gate (translations/).

Every story here was written for this test, in our own words (no newsletter text).
"""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

import joblib
import pytest

from service.classify.cues import ThemeCues, split_cues, tokenize
from service.classify.lexicon import THEME_CUES
from service.classify.model import Classifier
from service.classify.reading import READ_AT_MOST, read_story
from service.classify.subject import AboutAI, about_ai
from service.classify.translations import ELSEWHERE, THEME_CUES_TRANSLATED
from service.domain import Story
from tests.conftest import REPO

# (language, theme): a story mainly about that theme.  Without the translations
# (2026-12-05-10) the model tags two of the seven with their theme: four get none and the
# French one `policy` alone.
STORIES = {
    ("de", "robotics"): (
        "Humanoider Roboter räumt die Spülmaschine aus",
        "Forscher haben einem humanoiden Roboter beigebracht, Teller und Tassen aus der "
        "Spülmaschine zu greifen. Die Greifer des Roboters wurden in der Simulation trainiert "
        "und dann auf die echte Maschine übertragen."),
    ("de", "policy"): (
        "Bundestag beschließt Gesetz zur Regulierung künstlicher Intelligenz",
        "Der Bundestag hat ein Gesetz verabschiedet, das Anbieter von KI-Systemen verpflichtet, "
        "Risiken zu melden. Die Bundesregierung will die Regeln mit der EU-Verordnung "
        "abstimmen; eine neue Aufsichtsbehörde soll Verstöße mit Bußgeldern ahnden."),
    ("es", "compute"): (
        "Un nuevo centro de datos con 50.000 GPU para entrenar modelos de IA",
        "La empresa construirá un centro de datos con cincuenta mil GPU y chips aceleradores "
        "para entrenar modelos de inteligencia artificial. El supercomputador consumirá "
        "trescientos megavatios de electricidad."),
    ("fr", "safety"): (
        "Des chercheurs contournent les garde-fous d'un chatbot",
        "Une équipe de sécurité a trouvé un moyen de contourner les garde-fous d'un modèle de "
        "langage : le chatbot explique alors comment fabriquer des armes biologiques. Les "
        "chercheurs appellent à des évaluations des risques avant chaque déploiement de l'IA."),
    ("ja", "robotics"): (
        "自律型ロボットが倉庫で荷物を仕分け",
        "物流会社は、倉庫で荷物を仕分ける自律型ロボットを導入した。ロボットアームはカメラと"
        "センサーで物体を認識し、シミュレーションで学習した動作を実機で実行する。"),
    ("zh", "compute"): (
        "英伟达新一代AI芯片出货，数据中心算力翻倍",
        "英伟达开始交付新一代人工智能芯片。多家云厂商正在扩建数据中心和超级计算机集群，"
        "以满足大模型训练对算力的需求。"),
    ("ko", "policy"): (
        "정부, 인공지능 규제 법안 국회 제출",
        "정부는 고위험 인공지능 시스템에 대한 규제 법안을 국회에 제출했다. 법안은 기업이 "
        "인공지능의 위험을 평가하고 감독 기관에 보고하도록 의무화한다."),
}
# English words that a translation once matched (found by a review over 190,000 words)
ENGLISH_LOOKALIKES = [
    "automobile", "automobiles", "logistic", "logistical", "administering", "chin", "richter",
    "hibernation", "normalisation", "energies", "microrobots", "nanorobots", "biosensor",
    "multisensor", "standardization", "standardized", "auto-update", "licensed", "governor",
    "prohibition", "ministral", "handy", "peking", "normative", "microchips", "clipperchip",
    "diplomacy", "chinas", "autos",
]
NOT_ABOUT_AI = [
    "Mietpreisbremse wird verlängert: Mieter in Großstädten sollen vor stark steigenden "
    "Mieten geschützt werden.",
    "Le gouvernement prolonge le gel des loyers dans les grandes villes pour deux ans.",
    "東京の家賃が上昇し、政府は住宅補助を拡大する。",
    "Rents rise again in the capital as the government extends its housing subsidy.",
]


def _story(headline: str, body: str) -> Story:
    return Story(index=0, headline=headline, text=f"{headline}\n{body}")


def test_words_of_every_script_are_tokens_and_ascii_inside_cjk_stays_its_own() -> None:
    assert tokenize("Künstliche Intelligenz: 生成AIによる 로봇이 роботы h100s") == [
        "künstliche", "intelligenz", "生成", "ai", "による", "로봇이", "роботы", "h100s"]


@pytest.mark.parametrize(("text", "cue"), [
    ("Die Drohne fliegt über das Feld", ("robotics", "drones")),
    ("人形机器人在工厂里工作", ("robotics", "robots")),
    ("政府は半導体の輸出規制を強化した", ("policy", "export controls")),
    ("Neue Halbleiter für Rechenzentren", ("compute", "chips")),
    ("los centros de datos", ("compute", "datacenters")),
])
def test_a_translated_word_fires_the_cue_of_its_english_word(
        text: str, cue: tuple[str, str]) -> None:
    counter = ThemeCues(split_cues(THEME_CUES_TRANSLATED)).fit([text])
    fired = {counter.names_[index] for index, _ in counter.hits(text)}
    assert cue in fired, fired
    english = ThemeCues(split_cues(THEME_CUES)).fit([text])
    assert cue not in {english.names_[index] for index, _ in english.hits(text)}


def test_a_word_spelled_alike_in_several_languages_counts_once() -> None:
    # "china" is English, Spanish, Portuguese, Dutch and Swedish: one hit, as in English
    text = "China and the chips"
    english = ThemeCues(split_cues(THEME_CUES)).fit([text]).transform([text])
    both = ThemeCues(split_cues(THEME_CUES_TRANSLATED)).fit([text]).transform([text])
    assert (english == both).all()


def test_translations_change_no_word_of_the_english_newsletters(shared_dir: Path) -> None:
    # English readers get the tags they had: a translation that also matched an English
    # word changed the features the model was trained on (left out 0.006-0.017 lower) or
    # tagged an English story ("Automobile makers brace for new tariffs": robotics).
    words = set(ENGLISH_LOOKALIKES)
    for path in (shared_dir / "data").rglob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                words.update(tokenize(part.get_content()))
    files = [*sorted((shared_dir / "data" / "labeled").glob("*.jsonl")),
             REPO / "models" / "extra_labels.jsonl"]
    words |= {token for path in files for line in path.read_text(encoding="utf-8").splitlines()
              for token in tokenize(json.loads(line)["text"])}
    english = ThemeCues(split_cues(THEME_CUES)).fit(["x"])
    both = ThemeCues(split_cues(THEME_CUES_TRANSLATED)).fit(["x"])

    def cues(counter: ThemeCues, word: str) -> set[tuple[str, str]]:
        return {counter.names_[index] for index, _ in counter.token_hits([word])}

    changed = {word for word in words if cues(english, word) != cues(both, word)}
    assert changed == {"nacional"}  # a Spanish word quoted in one English story


@pytest.mark.parametrize("text", [
    "Künstliche Intelligenz verändert die Verwaltung",
    "L'IA générative arrive dans les écoles",
    "生成AIによる偽画像が拡散",
    "中国完全自律机器人足球比赛",
    "인공지능 규제 법안",
])
def test_a_story_in_another_language_can_be_about_ai(text: str) -> None:
    assert about_ai(text)
    assert not about_ai(text, elsewhere="") or "AI" in text  # English words alone: no


@pytest.mark.parametrize("text", NOT_ABOUT_AI)
def test_a_story_about_rents_is_not_about_ai_in_any_language(text: str) -> None:
    assert not about_ai(text)


def test_a_gate_unpickled_from_an_older_model_reads_english_alone(tmp_path: Path) -> None:
    older = AboutAI()
    del older.__dict__["elsewhere"]  # as a model file made before the translations holds it
    joblib.dump(older, tmp_path / "gate.joblib")
    restored = joblib.load(tmp_path / "gate.joblib")
    assert restored.elsewhere == ""
    assert restored.transform(["Künstliche Intelligenz verändert die Verwaltung"])[0, 0] == 0.0
    assert AboutAI().elsewhere == ELSEWHERE


@pytest.mark.parametrize(("language", "theme"), list(STORIES))
def test_the_committed_model_tags_stories_in_other_languages(
        tagger: Classifier, language: str, theme: str) -> None:
    story = _story(*STORIES[(language, theme)])
    [tagged] = tagger.tag([story])
    assert theme in tagged.themes, tagged.scores
    terms = tagged.explanations[theme]
    assert terms and all(term in story.text for term in terms), terms


@pytest.mark.parametrize("text", NOT_ABOUT_AI[:3])
def test_the_committed_model_leaves_other_languages_untagged_when_off_theme(
        tagger: Classifier, text: str) -> None:
    [tagged] = tagger.tag([_story(text.split(":")[0], text)])
    assert tagged.themes == ()


def test_a_story_is_read_to_its_fifty_thousandth_character() -> None:
    # a hostile story of megabytes of words never seen would be matched against every
    # cue of every language (seconds); what a story is about shows far earlier
    story = Story(index=0, headline="Roboter", text="Roboter\n" + "wort " * 200_000)
    shown, read = read_story(story)
    assert len(shown) > 1_000_000 and len(read) <= READ_AT_MOST


def test_a_run_of_chinese_characters_is_cut_into_tokens_of_at_most_64() -> None:
    tokens = tokenize("机器人" * 100)
    assert [len(token) for token in tokens] == [64, 64, 64, 64, 44]


def test_a_slug_longer_than_any_cue_still_counts_its_words() -> None:
    counter = ThemeCues(split_cues(THEME_CUES_TRANSLATED)).fit(["x"])
    slug = "tesla-shows-its-humanoid-robot-" + "-".join(["again"] * 20)
    assert ("robotics", "robots") in {counter.names_[i] for i, _ in counter.hits(slug)}


@pytest.mark.parametrize(("text", "cue"), [
    ("De Tweede Kamer stemt over de begroting", ("robotics", "sensors")),  # a camera?
    ("Il Garante per la privacy apre un'istruttoria", ("safety", "guarantees")),
    ("배열을 정렬 합니다", ("safety", "alignment")),  # sorting an array
    ("1조 원 규모의 주택 예산", ("compute", "scale")),  # a budget "worth" 1 trillion won
    ("企业确保安全生产", ("safety", "security")),  # 确保 + 安全, not 保安
    ("新的投资安排", ("safety", "cyber offense")),  # 投资 + 安排, not 资安
    ("公园里的旋转木马", ("safety", "backdoors")),  # a carousel, not a trojan
    ("서울 모터쇼 개막", ("robotics", "actuators")),  # a motor show
    ("Iowa City, IA: Senate passes property tax bill", ("policy", "EU AI Act")),
])
def test_everyday_words_of_other_languages_are_no_cue(text: str, cue: tuple[str, str]) -> None:
    counter = ThemeCues(split_cues(THEME_CUES_TRANSLATED)).fit([text])
    assert cue not in {counter.names_[i] for i, _ in counter.hits(text)}
    assert not about_ai(text)


def test_a_fullwidth_acronym_and_a_long_run_of_dollars_read_as_words() -> None:
    assert tokenize("政府がＡＩの規制を強化") == ["政府が", "ai", "の規制を強化"]
    assert about_ai("政府がＡＩの規制を強化")
    assert tokenize("$" * 50_000) == ["$"] * 50_000  # each its own token, none backtracked


@pytest.mark.parametrize(("language", "theme"), [("ja", "robotics"), ("zh", "compute")])
def test_a_chinese_or_japanese_tag_is_explained_by_words_not_clauses(
        tagger: Classifier, language: str, theme: str) -> None:
    story = _story(*STORIES[(language, theme)])
    [tagged] = tagger.tag([story])
    terms = tagged.explanations[theme]
    # "ロボット", not "ロボットアームはカメラとセンサーで物体を認識し"
    assert terms and all(len(term) <= 6 and term in story.text for term in terms), terms
