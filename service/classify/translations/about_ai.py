"""The words that say a story is about AI, in other languages: the subject gate's
``WORDS`` (subject.py) translated.

``ABOUT_AI_ASIAN`` is searched anywhere in the story (no spaces bound a Chinese or
Japanese word); ``ABOUT_AI_EUROPEAN`` as whole words in any case;
``ABOUT_AI_ACRONYMS`` in capitals ("KI", "IA").  The first two Asian patterns are an
acronym written against those characters ("生成AIの", "AI芯片", "오픈AI의").
"""

from __future__ import annotations

from service.classify.alphabets import CJK

__all__ = ["ABOUT_AI_ACRONYMS", "ABOUT_AI_ASIAN", "ABOUT_AI_EUROPEAN", "MACHINES_ASIAN",
           "MACHINES_EUROPEAN"]

# Machines that act in the physical world: robots, drones, self-driving vehicles,
# autonomous weapons, industrial automation.  They say a story is about AI (below), and
# alone they open the robotics gate (subject.py).
MACHINES_ASIAN: list[str] = [
    r"机器人", r"機器人", r"機械人", r"ロボット", r"로봇", r"ヒューマノイド", r"휴머노이드",
    r"具身智能", r"无人机", r"無人機", r"ドローン", r"드론", r"自动驾驶", r"自動駕駛", r"无人驾驶",
    r"無人駕駛", r"智能驾驶", r"智能駕駛", r"自動運転", r"自律走行", r"자율\s?주행", r"로보\s?택시",
    r"ロボタクシー", r"萝卜快跑", r"自主武器", r"自律型兵器", r"자율\s?무기", r"工业自动化",
    r"工業自動化", r"산업\s?자동화",
]
MACHINES_EUROPEAN: list[str] = [
    r"\w*roboter\w*", r"robótic\w*", r"robô\w*", r"humanoid\w*", r"humanoïde\w*", r"umanoid\w*",
    r"insansı robot\w*", r"\w*drohne\w*", r"droni", r"dron(y|ów|ami|ach|es|e|i|lar\w*)?",
    r"drönare\w*", r"insansız hava araç\w*", r"insansız hava aracı\w*", r"selbstfahrend\w*",
    r"fahrerlos\w*", r"autonome\w* (fahrzeug\w*|waffe\w*|fahren|autos?|systeme?)",
    r"véhicules? autonomes?", r"voitures? autonomes?", r"armes? autonomes?",
    r"vehículos? autónomos?", r"coches? autónomos?", r"armas? autónomas?", r"conducción autónoma",
    r"veicol[oi] autonom[oi]", r"guida autonoma", r"armi autonome", r"veículos? aut[oóô]nomos?",
    r"carros? aut[oóô]nomos?", r"armas? aut[oóô]nomas?", r"zelfrijdend\w*",
    r"autonome (voertuigen|wapens|auto['’]s)",
    r"autonomiczn\w* (pojazd\w*|samochod\w*|samochód|broń|broni|system\w*)", r"självkörande",
    r"autonoma (fordon|bilar|vapen|system)", r"otonom (araç\w*|silah\w*|sistem\w*|sürüş\w*)",
    r"sürücüsüz\w*", r"industrieautomation", r"industrieautomatisierung",
    r"automatisation industrielle", r"automatización industrial", r"automazione industriale",
    r"automação industrial", r"industriële automatisering", r"automatyzacj\w* przemysłow\w*",
    r"industriautomation", r"endüstriyel otomasyon",
]

# An acronym written against Chinese, Japanese or Korean characters (alphabets.CJK).
_CJK = CJK
_NAMES = (r"(?i:ai|agi|aigc|genai|llms?|gpus?|npus?|tpus?|openai|chatgpt|gpt-?[0-9a-z.]*|deepseek|"
          r"anthropic|deepmind|nvidia|qwen|gemma)")
ABOUT_AI_ASIAN: list[str] = [
    rf"(?<![A-Za-z0-9]){_NAMES}(?=[{_CJK}])", rf"(?<=[{_CJK}]){_NAMES}(?![A-Za-z0-9])",
    r"人工智能", r"人工智慧", r"人工知能", r"인공지능", r"生成式", r"生成系(?i:ai)", r"생성형",
    r"机器学习", r"機器學習", r"機械学習", r"머신\s?러닝", r"기계\s?학습", r"深度学习",
    r"深度學習", r"深層学習", r"ディープラーニング", r"딥\s?러닝", r"神经网络", r"神經網絡",
    r"神經網路", r"ニューラルネット", r"신경망", r"大模型", r"语言模型", r"語言模型",
    r"言語モデル", r"언어\s?모델", r"基础模型", r"基礎模型", r"基座模型", r"基盤モデル",
    r"파운데이션\s?모델", r"多模态", r"多模態", r"マルチモーダル", r"멀티\s?모달", r"聊天机器人",
    r"聊天機器人", r"チャットボット", r"챗봇", r"智能体(?!验)", r"智能體(?!驗)", r"에이전틱",
    r"深度求索", r"通义千问", r"通義千問", r"文心一言", r"智谱", r"智譜", r"月之暗面", r"科大讯飞",
    r"科大訊飛", r"商汤科技", r"商湯科技", r"旷视", r"曠視", r"零一万物", r"阶跃星辰", r"百川智能",
    r"文生图", r"文生圖", r"文生视频", r"文生視頻", r"图像生成", r"圖像生成", r"视频生成",
    r"影片生成", r"画像生成", r"動画生成", r"이미지\s?생성", r"영상\s?생성", r"语音克隆",
    r"語音克隆", r"声音克隆", r"聲音克隆", r"音声クローン", r"음성\s?복제", r"深度伪造",
    r"深度偽造", r"深伪", r"深偽", r"ディープフェイク", r"딥\s?페이크", r"人脸识别", r"人臉識別",
    r"人臉辨識", r"面部识别", r"顔認証", r"顔認識", r"얼굴\s?인식", r"안면\s?인식", r"计算机视觉",
    r"計算機視覺", r"電腦視覺", r"コンピュータービジョン", r"コンピュータビジョン",
    r"컴퓨터\s?비전", r"训练数据", r"訓練數據", r"訓練資料", r"学習データ", r"학습\s?데이터",
    r"훈련\s?데이터", r"算法推荐", r"算法推薦", r"演算法推薦", r"算法歧视", r"算法歧視",
    r"超级智能", r"超級智能", r"超級智慧", r"超知能", r"초지능", r"超级对齐", r"超級對齊",
    r"可解释性", r"可解釋性", r"解釈可能性", r"机器遗忘", r"機器遺忘", *MACHINES_ASIAN,
    r"芯片", r"晶片", r"半导体", r"半導體", r"半導体", r"반도체",
    r"晶圆", r"晶圓", r"ウエハー(?!ス)", r"ウェハー(?!ス)", r"웨이퍼", r"台积电", r"台積電",
    r"光刻机",
    r"光刻機", r"晶圆代工", r"晶圓代工", r"ファウンドリ", r"파운드리", r"英伟达", r"英偉達",
    r"輝達", r"エヌビディア", r"엔비디아", r"昇腾", r"昇騰", r"数据中心", r"數據中心", r"資料中心",
    r"智算中心", r"データセンター", r"데이터\s?센터", r"超算", r"超级计算机", r"超級計算機",
    r"超級電腦", r"超级电脑", r"スーパーコンピュータ", r"スパコン", r"슈퍼\s?컴퓨터", r"算力",
    r"高带宽内存", r"高頻寬記憶體", r"広帯域メモリ", r"고대역폭\s?메모리", r"超大规模云",
    r"ハイパースケーラー", r"하이퍼\s?스케일러",
]
ABOUT_AI_EUROPEAN: list[str] = [
    r"künstliche\w* intelligenz", r"intelligence artificielle", r"intelligences artificielles",
    r"inteligencia artificial", r"inteligencias artificiales", r"intelligenza artificiale",
    r"intelligenze artificiali", r"inteligência artificial", r"inteligências artificiais",
    r"kunstmatige intelligentie", r"sztuczn\w+ inteligencj\w+", r"artificiell\w* intelligens",
    r"yapay zek[aâ]\w*", r"superintelligen\w*", r"superinteligen\w*", r"s[uü]per zek[aâ]\w*",
    r"maschinelle\w* lernen\w*", r"apprentissage automatique", r"apprentissage profond",
    r"aprendizaje automático", r"aprendizaje profundo", r"apprendimento automatico",
    r"apprendimento profondo", r"aprendizagem automática", r"aprendizado de máquina",
    r"aprendizagem profunda", r"aprendizado profundo", r"machinaal leren",
    r"uczeni\w* maszynow\w*", r"uczeni\w* głębok\w*", r"maskininlärning\w*", r"djupinlärning\w*",
    r"makine öğrenme\w*", r"makine öğrenimi\w*", r"derin öğrenme\w*", r"neuronale\w* netz\w*",
    r"réseaux? de neurones", r"réseaux? neuronaux", r"redes? neuronal\w*", r"redes? neura(l|is)",
    r"ret[ei] neural[ei]", r"neurale netwerk\w*", r"sie(ć|ci) neuronow\w*", r"neuronnät\w*",
    r"neurala nätverk\w*", r"sinir ağ\w*", r"\w*sprachmodell\w*", r"modèles? de langage",
    r"modèles? de langue", r"modelos? de lenguaje", r"modell[oi] linguistic[oi]",
    r"modell[oi] di linguaggio", r"modelos? de linguagem", r"\w*taalmodel\w*",
    r"model\w* językow\w*", r"\w*språkmodell\w*", r"dil model\w*", r"chatbot\w*", r"czatbot\w*",
    r"generativ\w*", r"génératif\w*", r"générative\w*", r"generatywn\w*", r"deepfake\w*",
    r"trainingsdaten", r"données d['’]entraînement", r"datos de entrenamiento",
    r"dati di addestramento", r"dados de (treinamento|treino)", r"trainingsdata",
    r"dan\w* treningow\w*", r"träningsdata\w*", r"eğitim veri\w*", r"bildgenerator\w*",
    r"générat\w* d['’]images", r"generad\w* de imágenes", r"generazione di immagini",
    r"generatore di immagini", r"gera\w* de imagens", r"stimmklon\w*", r"clonage de (la )?voix",
    r"clonación de voz", r"clonazione della voce", r"clonagem de voz", r"agentisch\w*",
    r"agentique\w*", r"agéntic\w*", r"agentic[oaie]", r"agêntic\w*", r"algorithmisch\w*",
    r"algorithmique\w*", r"algorítmic\w*", r"algoritmic[oaie]", r"algoritmisch\w*",
    r"algorytmiczn\w*", r"algoritmisk\w*", r"automatisierte\w* entscheidung\w*",
    r"décisions? automatisées?", r"decisiones automatizadas", r"decisioni automatizzate",
    r"decisões automatizadas", r"geautomatiseerde besluit\w*", r"zautomatyzowan\w* decyzj\w*",
    r"automatiserade beslut", r"otomatik karar\w*", r"gesichtserkennung\w*",
    r"reconnaissance faciale", r"reconocimiento facial", r"riconoscimento facciale",
    r"reconhecimento facial", r"gezichtsherkenning\w*", r"rozpoznawani\w* twarzy",
    r"ansiktsigenkänning\w*", r"yüz tanıma\w*", r"maschinelles sehen", r"vision par ordinateur",
    r"visión artificial", r"visión por computador\w*", r"visione artificiale",
    r"visão computacional", r"computervisie", r"widzeni\w* komputerow\w*", r"datorseende",
    r"bilgisayarlı görü\w*", *MACHINES_EUROPEAN, r"halbleiter\w*", r"mikrochip\w*",
    r"chip(hersteller|industrie|fabrik|konzern|riese|branche|produktion|export)\w*",
    r"computerchip\w*", r"grafikprozessor\w*", r"grafikkarte\w*", r"semi-?conducteur\w*",
    r"semiconductor\w*", r"semicondutt\w*", r"semicondutor\w*",
    r"puces? (électroniques?|d['’]ia|ia)", r"fabricants? de puces", r"fabricantes? de chips",
    r"halfgeleider\w*", r"chipfabrikant\w*", r"półprzewodnik\w*", r"halvledar\w*",
    r"yarı ?iletken\w*", r"rechenzentr\w*", r"datenzentr\w*", r"centres? de données",
    r"centros? de datos", r"centr[oi] dati", r"centr[oi] di elaborazione dati",
    r"centros? de dados", r"datacent\w*", r"centr\w* danych", r"veri merkez\w*", r"supercomput\w*",
    r"superordinateur\w*", r"supercalculateur\w*", r"supercalcolator\w*", r"superkomputer\w*",
    r"superdator\w*", r"s[uü]per ?bilgisayar\w*", r"hochleistungsrechner\w*", r"hyperscaler\w*",
    r"rechenkapazität\w*", r"puissance de calcul", r"capacidad de cómputo", r"potencia de cómputo",
    r"potenza di calcolo", r"capacità di calcolo", r"poder computacional",
    r"capacidade computacional", r"rekenkracht", r"moc\w* obliczeniow\w*", r"beräkningskraft\w*",
]
# In capitals, and only where another language's grammar is around them (an article, a
# preposition, a compound's hyphen): "IA" is also Iowa, "KI" the Karolinska Institutet.
ABOUT_AI_ACRONYMS: list[str] = [
    r"(?:(?<=l')|(?<=l’)|(?<=d')|(?<=d’))(?:IA|IAs)(?![A-Za-z0-9_])",
    r"(?<![A-Za-z])(?:la|las|una|de|del|della|dell|delle|da|do|das|die|der|den|dem|des|mit|von|"
    r"für|zur|zum|sur|par|pour|en|et|y|e|und|per|con|com|sobre|durch|ohne) (?:IA|IAs|KI|YZ)"
    r"(?![A-Za-z0-9_])",
    r"(?<![A-Za-z0-9_])(?:KI|IA|YZ)-[A-Za-zÄÖÜäöüßÉéèàçñ]",
]
