"""Paraphrase and counter-cue lexicons: THEMES.md's definitions in other words.

Two more lexicons for ``ThemeCues`` blocks (the format is lexicon.py's):

- ``PARAPHRASE_CUES``: each term of THEMES.md's "mainly about" column widened
  with the synonyms and paraphrases a writer of any newsletter might use for it
  ("misuse" -> deepfakes, scams, disinformation; "governments" -> agencies,
  ministries, senators, courts; "the hardware and money that make AI run" ->
  processors, power plants; "machines that act in the physical world" ->
  robotaxis, grippers).  Written from the definitions alone, in our words.
- ``COUNTER_CUES``: THEMES.md's "not this theme" column, paraphrased the same
  way (a company releasing or rolling out a product, a funding round, a
  capability benchmark, a drug's or patient's safety, agents that act only in
  software).  Their "themes" are ``not <theme>``: the regression learns how
  much each one argues against a theme; explanations never show them.

Changing a lexicon changes the models trained from then on; a model file
carries the lexicons it was trained with.
"""

from __future__ import annotations

PARAPHRASE_CUES: dict[str, dict[str, str]] = {
    "safety": {
        "misuse": r"misus\w*; abus(e|es|ed|ive); malicious; bad actors?; weaponi[sz]\w*",
        "deceptive media": r"deepfakes?; deep-fakes?; deep fakes?; disinformation; "
                           r"misinformation; propaganda; impersonat\w*; voice clon\w*; "
                           r"non-?consensual; csam",
        "fraud": r"scams?; scammers?; fraud\w*; phishing",
        "content provenance": r"watermark\w*; provenance; content credentials; c2pa; "
                              r"ai-generated content; synthetic media",
        "attacks on models": r"jailbr(eak|oken)\w*; prompt injections?; adversarial\w*; "
                             r"red-?team\w*; red team\w*",
        "safeguards": r"safeguards?; guardrails?; content moderation; moderation",
        "safe and secure": r"safety; unsafe; security; insecure; secure",
        "alignment": r"(mis|super)?align(ed|ment|ing)",
        "dangerous capabilities": r"dangerous\w*; hazard\w*; bio-?weapons?; "
                                  r"biological weapons?; chemical weapons?; pathogens?; "
                                  r"weapons? of mass destruction; cbrn",
        "cyber offense": r"cyber-?(attacks?|security|crime\w*|weapons?|offen[cs]e); "
                         r"hack(s|ing|ers?|ed)?; malware; ransomware; exploits?; "
                         r"vulnerabilit(y|ies); zero-days?; data breach\w*; breach\w*",
        "looking inside": r"interpretab\w*; mechanistic; explainab\w*",
        "forgetting": r"unlearn\w*",
        "guarantees": r"guarantee\w*; formal(ly)? verif\w*; provabl[ye]",
        "deception": r"decept\w*; deceiv\w*; lying; lies; sycophan\w*; scheming; sandbagging",
        "catastrophe": r"catastroph\w*; existential\w*; x-risks?; extinction; doom\w*; "
                       r"loss of control; rogue; takeover",
        "harm": r"harm(s|ful|less\w*)?",
    },
    "policy": {
        "government": r"government\w*; govt; governance; state-?(backed|run|owned|funded)",
        "agencies": r"agenc(y|ies); ministr(y|ies); ministers?; departments?; regulators?; "
                    r"watchdogs?; authorit(y|ies); commission\w*; officials?",
        "lawmakers": r"lawmakers?; legislat\w*; senat(e|or|ors); congress\w*; "
                     r"parliament\w*; mps; governors?; representatives",
        "laws": r"laws?; bills?; statutes?; acts?; ordinances?; ai act",
        "regulation": r"(de)?regulat\w*; rules?; rulings?; bans?; banned; banning; "
                      r"prohibit\w*; compliance; enforce\w*; fines?; fined; penalt(y|ies)",
        "courts": r"courts?; judges?; lawsuits?; su(e|es|ed|ing); plaintiffs?; litigation; "
                  r"antitrust; copyright\w*; settlements?",
        "executive": r"executive orders?; white house; president\w*; administration; "
                     r"prime minister",
        "trade": r"exports?; export controls?; sanctions?; tariffs?; embargo\w*; "
                 r"entity list; smuggl\w*",
        "public money": r"national; federal; public (funding|money|compute); taxpayers?; "
                        r"state-funded",
        "international": r"treat(y|ies); summits?; accords?; united nations; un; oecd; g7; "
                         r"diplomat\w*; international (agreements?|cooperation|governance)",
        "standards": r"standards?; nist; iso; safety institutes?; aisi",
        "geopolitics": r"geopoliti\w*; national security; china; chinese; beijing; u\.s; "
                       r"washington; european union; eu",
        "public opinion": r"public opinion; polls?; polling; surveys?; voters?; attitudes?",
        "advocacy": r"advoca\w*; lobby\w*; non-?profits?; think-?tanks?; activists?; "
                    r"campaigners?; open letters?; petitions?; civil society",
        "politics": r"politic\w*; elections?; electoral; democrats?; republicans?; "
                    r"partisan; bipartisan; policy; policies; policymak\w*",
    },
    "compute": {
        "chips": r"chips?; chipmak\w*; semiconductors?; processors?; accelerators?; "
                 r"silicon; asics?; npus?; gpus?; tpus?",
        "chip names": r"[abhv]100s?; h200s?; g?b200s?; blackwell; hopper; nvidia\w*; amd; "
                      r"tsmc; cerebras; groq",
        "datacenters": r"data-?cent(er|re)s?; data cent(er|re)s?; server farms?; servers?; "
                       r"racks?; hyperscalers?",
        "big machines": r"supercomput\w*; clusters?; exascale",
        "energy for AI": r"energy; electricity; megawatts?; gigawatts?; nuclear; "
                         r"power plants?; power grid; grid; reactors?",
        "training scale": r"flops?; training runs?; training costs?; gpu-hours?; gpu hours?; "
                          r"compute",
        "low level speed": r"kernels?; cuda; quantiz\w*; throughput; tokens per second; "
                           r"on-device",
        "distributed": r"distributed (training|inference); parallelism; interconnect\w*; "
                       r"nvlink; infiniband",
        "fabs": r"fabs?; foundr(y|ies); fabrication; lithograph\w*; wafers?; \d+nm",
        "memory": r"hbm\w*; memory chips?; memory bandwidth",
        "hardware": r"hardware; infrastructure",
    },
    "robotics": {
        "robots": r"robot\w*; robotaxis?; cobots?",
        "bodies": r"humanoids?; quadrupeds?; legged; bipedal; exoskeletons?",
        "hands": r"manipulat(ion|or|ors); grippers?; gras(p|ps|ping|ped); dexter\w*; "
                 r"robot(ic)? arms?",
        "moving": r"locomot\w*; walking",
        "flying": r"drones?; uavs?; quadcopters?; s?uas; loitering munitions?; "
                  r"unmanned (aerial|aircraft|vehicles?|systems?); "
                  r"uncrewed (aerial|aircraft|vehicles?|systems?|boats?|vessels?)",
        "vehicles": r"self-driving; driverless; autonomous (cars?|vehicles?|driving|trucks?); "
                    r"robo-?taxis?; avs; autopilot",
        "physical world": r"physical world; real world; real-world; physical ai; embodi\w*",
        "sim-to-real": r"sim-?2-?real; sim-to-real; simulat(ion|or|ors)",
        "automation": r"industrial; automation; warehouse\w*; factor(y|ies); assembly lines?",
        "sensing": r"lidar; actuators?; tactile",
    },
}


COUNTER_CUES: dict[str, dict[str, str]] = {
    "not policy": {
        "a product release": r"launch\w*; releas(e|es|ed|ing); rolls? out; rolled out; "
                             r"rollout; availab\w*; expand\w*; expansion; unveil\w*",
        "a company": r"startups?; companies; company; customers?; users?; subscribers?; "
                     r"app; apps; features?",
    },
    "not compute": {
        "a funding round": r"rais(e|es|ed|ing); funding rounds?; series [a-f]; seed round; "
                           r"valuations?; valued; investors?; venture; ipo",
        "a model's efficiency": r"architectures?; efficien\w*; smaller models?",
    },
    "not safety": {
        "a capability benchmark": r"benchmarks?; leaderboards?; mmlu\w*; state-of-the-art; "
                                  r"sota; outperform\w*; accuracy",
        "medicine": r"drugs?; clinical; patients?; medical; medicine",
    },
    "not robotics": {
        "software agents": r"web agents?; browser\w*; computer-use; computer use; "
                           r"software agents?; coding agents?",
        "games": r"games?; gaming; video games?; minecraft; virtual",
    },
}
