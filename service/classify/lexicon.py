"""The cue lexicons: THEMES.md's signals as regular expressions, one per token.

Two lexicons, each a ``ThemeCues`` block of the model:

- ``THEME_CUES``: THEMES.md's "typical signals" widened with the usual words
  of each field.  It was written after reading Import AI's training stories,
  so it also holds words that only matter in long essays ("GPU", "risk").
- ``DEFINITION_CUES``: only the words of THEMES.md's own definitions (the
  "mainly about" and "typical signals" columns) and their inflections, none
  taken from the stories: the signal that transfers to a newsletter the model
  never saw (models/README.md, bench/compare_models.py).

Format: theme -> cue name -> alternatives; "; " separates alternatives, a
space separates the tokens of a phrase; tokens are lower-case, hyphenated
words stay whole ("sim-to-real") and fall back to their parts ("gpu-powered").
Changing a lexicon changes the models trained from then on; a model file
carries the lexicon it was trained with.
"""

from __future__ import annotations

THEME_CUES: dict[str, dict[str, str]] = {
    "safety": {
        "jailbreaks": r"jailbr(eak|oken)\w*",
        "red teaming": r"red-?team\w*; red team\w*",
        "adversarial attacks": r"adversarial (attacks?|prompts?|examples?|robustness); "
                               r"prompt injections?",
        "misuse": r"misus\w*",
        "alignment": r"(mis|super)?align(ed|ment|ing)",
        "WMD": r"wmdp?; weapons? of mass destruction",
        "biosecurity": r"bio-?(security|weapons?|risks?|terror\w*|defen[cs]e); "
                       r"biological (weapons?|risks?|threats?|attacks?); pathogen\w*; "
                       r"pandemic\w*",
        "chemical weapons": r"chemical (weapons?|attacks?); cbrn",
        "cyber offense": r"cyber-?(attacks?|offen[cs]e|security|weapons?|operations?|crime\w*); "
                         r"cyber",
        "hacking": r"hack(s|ing|ers?|ed)?; exploits?; exploitation; vulnerabilit(y|ies); "
                   r"malware; zero-days?",
        "harmful outputs": r"harmless\w*; harmful\w*; harms?",
        "RLHF": r"rlhf; rlaif",
        "safety cases": r"safety cases?",
        "safeguards": r"safeguard\w*; guardrails?",
        "hazardous knowledge": r"hazard\w*",
        "dangerous capabilities": r"dangerous\w*; dangers?",
        "deception": r"decept\w*; deceiv\w*; lying; sycophan\w*; manipulative",
        "catastrophic risk": r"catastroph\w*; existential\w*; x-risks?; extinction; doom\w*",
        "interpretability": r"interpretab\w*; mechanistic; sparse autoencoders?",
        "unlearning": r"unlearn\w*",
        "guarantees": r"guarantee\w*; formal(ly)? verif\w*; provabl[ye]; verification",
        "backdoors": r"backdoor\w*; sleeper agents?; trojan\w*; poison(ing|ed)?",
        "loss of control": r"power-seeking; oversight; takeover; rogue; loss of control; "
                           r"uncontroll\w*; controllab\w*",
        "safety": r"safety; safe; safer; safely; unsafe",
        "risk": r"risks?; risky; threats?",
        "refusals": r"refus(e|es|ed|al|als|ing)",
        "reward hacking": r"reward hacking; scheming; situational awareness; sandbagging",
        "self-replication": r"self-?(replicat|exfiltrat|improv)\w*; autonomous replication",
        "evaluations": r"evals?; evaluations?",
        "attacks": r"attack\w*; adversar\w*",
        "security": r"security; secure",
    },
    "policy": {
        "executive order": r"executive orders?",
        "regulation": r"(de)?regulat\w*",
        "legislation": r"legislat\w*; laws?; lawmakers?; bills?",
        "EU AI Act": r"ai act; eu; european (union|commission|parliament); brussels",
        "Congress": r"congress\w*; senat(e|or|ors); parliament\w*; "
                    r"house of (lords|commons|representatives)",
        "hearings": r"hearings?; subcommittees?; committees?; testif(y|ied|ies|ying); testimony",
        "export controls": r"export (controls?|restrictions?|bans?|licen[sc]es?); exports?",
        "Commerce Department": r"commerce department; department of commerce; bis; entity list",
        "sanctions": r"sanction\w*; tariffs?; embargo\w*",
        "government": r"government\w*; govt; state-?(backed|owned|run|sponsored); public sector",
        "White House": r"federal; white house; administration",
        "ministries": r"minist(er|ers|ry|ries); agenc(y|ies)",
        "policy": r"polic(y|ies); policymak\w*; policy-?makers?",
        "geopolitics": r"geopoliti\w*; national security; arms races?; cold war; great powers?",
        "military": r"militar\w*; pentagon; dod; darpa; armed forces; warfare",
        "lobbying": r"lobby\w*; advoca\w*; activists?; campaign\w*; petitions?; open letters?",
        "think tanks": r"think-?tanks?; rand; cset; brookings",
        "standards bodies": r"nist; standards?; iso",
        "safety institutes": r"safety institutes?; aisi",
        "international agreements":
            r"treat(y|ies); international (agreements?|cooperation|coordination|governance); "
            r"summits?; bletchley; united nations; un; oecd; g7; g20; diplomat\w*",
        "politics": r"democra\w*; elections?; electoral; voters?; politic\w*; partisan; "
                    r"republicans?",
        "political leaders": r"biden; trump; xi; president\w*; prime minister",
        "public opinion": r"public opinion; polls?; polling; surveys?; surveyed; attitudes?; "
                          r"respondents?",
        "governance": r"governance; govern; governed; governing",
        "licensing": r"licen[cs](e|es|ing)",
        "liability": r"liabilit\w*; liable",
        "lawsuits": r"lawsuits?; courts?; sue[sd]?; suing; judges?; legal\w*; litigation; "
                    r"copyright\w*; plaintiffs?",
        "antitrust": r"antitrust; ftc; competition (authority|regulators?); monopol\w*",
        "sovereign AI": r"sovereign\w*",
        "the state": r"states?; nation-?states?; national; nations?; countr(y|ies)",
        "public compute": r"public (compute|funding|money|investment); nairr; "
                          r"national research resource; national ai research resource; "
                          r"taxpayers?; funding package",
        "nonprofits": r"non-?profits?; civil society; ngos?",
        "CHIPS Act": r"chips act",
        "China": r"china; chinese; beijing; ccp; prc",
        "US and allies": r"u\.s; usa; u\.?k; america\w*; britain; british; washington",
        "intelligence agencies": r"intelligence (agenc(y|ies)|community|services?); cia; nsa; "
                                 r"gchq; surveillance",
        "funding": r"fund(s|ed|ing)?; grants?",
        "rules": r"rules?; ban(s|ned|ning)?; mandat\w*; compliance; enforce\w*",
    },
    "compute": {
        "H100s": r"[abhv]100s?; h200s?; g?b200s?; mi[23]\d\dx?s?; gaudi\w*",
        "GPUs": r"gpus?; gpu-hours?",
        "TPUs": r"tpu\w*",
        "chips": r"chips?; chipmak\w*; semiconductors?; silicon; asics?; fpgas?",
        "clusters": r"clusters?",
        "supercomputers": r"supercomput\w*",
        "datacenters": r"data-?cent(er|re)s?; data cent(er|re)s?",
        "FLOPs": r"flops?; petaflop\w*; exaflop\w*; 10\^2\d; 1e2\d",
        "NVIDIA": r"nvidia\w*",
        "chipmakers": r"amd; intel; tsmc; cerebras; graphcore; groq; huawei; ascend; asml; samsung",
        "wafer-scale": r"wafer\w*",
        "CUDA kernels": r"cuda; triton; kernels?",
        "hardware": r"hardware",
        "accelerators": r"accelerators?",
        "inference": r"inference",
        "throughput": r"throughput; latency; tokens per second",
        "distributed training": r"distributed (training|inference); "
                                r"decentrali[sz]ed (training|inference); data-?parallel\w*; "
                                r"data parallel\w*; parallelism",
        "interconnect": r"interconnect\w*; infiniband; nvlink; networking",
        "memory bandwidth": r"memory bandwidth; hbm\w*; bandwidth",
        "energy": r"energy; power; megawatts?; gigawatts?; mw; gw; electricity; power plants?",
        "money": r"\$[\d.]+\w*; £[\d.]+\w*; €[\d.]+\w*; dollars?; billions?",
        "compute": r"compute",
        "training runs": r"training runs?; training costs?",
        "on-device": r"on-device; smartphones?; phones?; laptops?; edge devices?; raspberry pi; "
                     r"macbook\w*",
        "quantization": r"quantiz\w*; int8; int4; fp8; fp16; bf16",
        "efficiency": r"efficien\w*; speedups?; faster",
        "servers": r"servers?; racks?; nodes?",
        "fabs": r"fabs?; foundr(y|ies); fabrication; lithograph\w*; \d+nm",
        "scale": r"scal(e|es|ing|ed)",
        "cost": r"costs?; costly; expensive; cheap\w*; prices?; spend\w*",
    },
    "robotics": {
        "robots": r"robot\w*",
        "manipulation": r"manipulat\w*",
        "grasping": r"gras(p|ps|ping|ped); grippers?; pick(ing)? and plac\w*; pick-and-place",
        "robot arms": r"arms?",
        "humanoids": r"humanoid\w*; bipeds?; bipedal; quadrupeds?; legged",
        "locomotion": r"locomot\w*; walk(s|ing|ed)?; legs?",
        "drones": r"drones?; uavs?; s?uas; quadcopters?; quadrotors?; dji; "
                  r"unmanned (aerial|aircraft)",
        "sim2real": r"sim-?2-?real; sim-to-real; real-world; real world; physical world; "
                    r"physical\w*",
        "embodiment": r"embodi\w*",
        "robot datasets": r"droid; rt-[12x]; open x-embodiment; bridgedata\w*; aloha",
        "warehouses": r"warehouse\w*; logistics; factor(y|ies); industrial; manufactur\w*",
        # ("AVs", an "AV company": a lone lower-cased "av" is as often a school's AV club,
        # which the robotics gate lets through as "AV", or Swedish "of": the review of stop
        # 44.  "suas", Portuguese "their", stays a drone's "sUAS": the gate names no machine
        # for it, so such a story's robotics is held under)
        "self-driving": r"self-driving; autonomous (cars?|vehicles?|driving); driverless; "
                        r"driving; cars?; vehicles?; avs; av (companies|company|makers?|"
                        r"industry|fleets?|developers?|rides?|operators?|testing|startups?); "
                        r"waymo; zoox; wayve; pony\.ai; "
                        r"robo-?taxis?; fsd; autopilot",
        "teleoperation": r"tele-?operat\w*",
        "actuators": r"actuators?; motors?; servos?; torque",
        "dexterous hands": r"dexter\w*; hands?; fingers?",
        "navigation": r"navigat\w*; obstacles?; terrain",
        "robot simulators": r"mujoco; isaac; gazebo; pybullet",
        "robot makers": r"boston dynamics; unitree; agility robotics; figure ai; optimus",
        "sensors": r"sensors?; cameras?; lidar; tactile; proprioce\w*",
        "household tasks": r"kitchens?; household; chores?; objects?",
    },
}


# THEMES.md's definitions, word for word (inflections only).
DEFINITION_CUES: dict[str, dict[str, str]] = {
    "safety": {
        "AI safety": r"safety; unsafe",
        "security": r"security; secure; insecure",
        "alignment": r"(mis|super)?align(ed|ment|ing)",
        "misuse": r"misus\w*",
        "jailbreaks": r"jailbr(eak|oken)\w*",
        "red teaming": r"red-?team\w*; red team\w*",
        "dangerous capabilities": r"dangerous\w*; dangers?; hazard\w*",
        "bio": r"bio-?(security|weapons?|risks?|terror\w*|hazards?); "
               r"biological (weapons?|risks?|threats?); pathogens?",
        "cyber": r"cyber\w*; hack(s|ing|ers?|ed)?; exploits?; vulnerabilit(y|ies); malware",
        "chem": r"chemical (weapons?|attacks?); cbrn",
        "WMD": r"wmdp?; weapons? of mass destruction",
        "interpretability": r"interpretab\w*",
        "unlearning": r"unlearn\w*",
        "guarantees": r"guarantee\w*; verif(y|ied|iable|ication)",
        "deception": r"decept\w*; deceiv\w*",
        "catastrophic risk": r"catastroph\w*; existential\w*; x-risks?",
        "RLHF": r"rlhf; harmless\w*; harmful\w*",
        "safety case": r"safety cases?",
    },
    "policy": {
        "government": r"government\w*; govern\w*",
        "law": r"laws?; legal\w*; legislat\w*; lawsuits?; sue[sd]?; suing; courts?",
        "politics": r"politic\w*",
        "regulation": r"(de)?regulat\w*",
        "executive order": r"executive orders?",
        "export controls": r"export (controls?|restrictions?|bans?)",
        "national funding": r"national; public (compute|funding)",
        "international agreements": r"international (agreements?|cooperation|governance); "
                                    r"treat(y|ies); agreements?",
        "standards bodies": r"standards (bodies|body|institutes?); nist",
        "geopolitics": r"geopoliti\w*; china; chinese; u\.s",
        "public opinion": r"public opinion; surveys?; attitudes?",
        "advocacy": r"advoca\w*; lobby\w*; nonprofits?; non-profits?; think-?tanks?",
        "Congress": r"congress\w*",
        "EU AI Act": r"ai act; eu",
        "policy": r"polic(y|ies); policymak\w*",
    },
    "compute": {
        "hardware": r"hardware",
        "chips": r"chips?; semiconductors?",
        "GPUs": r"gpus?",
        "TPUs": r"tpus?",
        "H100": r"[abh]100s?; h200s?; b200s?",
        "clusters": r"clusters?",
        "datacenters": r"data-?cent(er|re)s?; data cent(er|re)s?",
        "supercomputers": r"supercomput\w*",
        "FLOPs": r"flops?",
        "training cost": r"training (runs?|costs?)",
        "CUDA kernels": r"cuda; kernels?",
        "wafer-scale": r"wafer\w*",
        "distributed training": r"distributed (training|inference)",
        "energy": r"energy",
        "on-device": r"on-device",
        "compute": r"compute",
        "inference": r"inference",
    },
    "robotics": {
        "robots": r"robot\w*",
        "physical world": r"physical world; real world; real-world",
        "manipulation": r"manipulation",
        "locomotion": r"locomot\w*",
        "drones": r"drones?",
        "self-driving": r"self-driving; autonomous (cars?|vehicles?|driving)",
        "embodied": r"embodi\w*",
        "sim-to-real": r"sim-?2-?real; sim-to-real",
        "industrial automation": r"industrial; automation",
        "humanoids": r"humanoids?",
        "robot datasets": r"droid; rt-[12x]",
        "warehouses": r"warehouse\w*",
    },
}
