"""``THEME_CUES``' `safety` cues in the languages of european_cues.py, written the same way."""

from __future__ import annotations

__all__ = ["SAFETY_CUES_EUROPEAN"]

SAFETY_CUES_EUROPEAN: dict[str, dict[str, str]] = {
    "safety": {
        "adversarial attacks": r"adversarial\w* (angriff\w*|beispiel\w*|attacken); "
                               r"prompt-injektion\w*; attaques? adverses?; "
                               r"attaques? adversariales?; exemples? adversariaux; "
                               r"injections? de prompts?; injection\w* d invite; "
                               r"ataques? adversari(os|as|al|ales); ejemplos? adversari(os|ales); "
                               r"inyecci(ón|ones) de (prompts?|instrucciones); "
                               r"attacch[io] avversari(ali)?; esemp[io] avversari(ali)?; "
                               r"iniezion[ei] di prompt; ataques? adversári(os|as|al|ais); "
                               r"injeç(ão|ões) de prompts?; prompt-injectie\w*; "
                               r"promptinjectie\w*; atak\w* adwersaryjn\w*; "
                               r"wstrzykiwani\w* (promptów|poleceń|instrukcji); "
                               r"promptinjektion\w*; adversariella attacker; "
                               r"çekişmeli (saldırı\w*|örnek\w*); (istem|prompt) enjeksiyon\w*",
        "misuse": r"missbrauch\w*; missbräuch\w*; usage abusif; usages abusifs; "
                  r"utilisation abusive; mauvais usage; mauvaise utilisation; uso indebido; "
                  r"usos indebidos; mal uso; uso malicioso; uso improprio; usi impropri; "
                  r"uso malevolo; uso indevido; usos indevidos; mau uso; misbruik\w*; "
                  r"nadużyci\w*; niewłaściw\w* wykorzystani\w*; missbruka\w*; felanvändning\w*; "
                  r"kötüye kullan\w*",
        "alignment": r"alignement\w*; désalignement\w*; alineamiento\w*; desalineamiento\w*; "
                     r"allineamento\w*; disallineamento\w*; alinhamento\w*; desalinhamento\w*; "
                     r"hizalama\w*",
        "WMD": r"massenvernichtungswaffe\w*; destruction massive; destrucción masiva; "
               r"distruzione di massa; destruição em massa; massavernietigingswapen\w*; "
               r"masowego rażenia; massförstörelsevapen\w*; kitle imha\w*",
        "biosecurity": r"biosicherheit\w*; biowaffe\w*; biologische\w* (waffe\w*|kampfstoff\w*); "
                       r"krankheitserreger\w*; erreger(n)?; pandemi\w*; biosécurité; "
                       r"armes? biologiques?; pathogène\w*; pandémi\w*; bioseguridad; "
                       r"armas? biológicas?; patóg\w*; biosicurezza; armi biologiche; patogen\w*; "
                       r"biossegurança; biosseguridade; bioveiligheid; biologische wapens; "
                       r"biowapen\w*; ziekteverwekker\w*; bezpieczeństw\w* biologiczn\w*; "
                       r"bro(ń|ni) biologiczn\w*; biosäkerhet\w*; biologiska vapen; biovapen\w*; "
                       r"smittämne\w*; biyogüvenlik\w*; "
                       r"biyolojik (silah\w*|tehdit\w*|tehdid\w*|saldırı\w*); patojen\w*; "
                       r"biyoterör\w*",
        "chemical weapons": r"chemiewaffe\w*; chemische\w* waffe\w*; chemische\w* kampfstoff\w*; "
                            r"abc-waffen; armes? chimiques?; armas? químicas?; armi chimiche; "
                            r"chemische wapens; bro(ń|ni) chemiczn\w*; kemiska vapen; "
                            r"kemvapen\w*; kimyasal silah\w*; nrbc; nrbq; qbrn",
        "cyber offense": r"cyber(angriff|attack|attacke|aanval|atak|sicherheit|sécurité)\w*; "
                         r"cyber(securit|sicurezza|säkerhet|veiligheid|bezpiecz|kriminal)\w*; "
                         r"cyber(criminal|crimin|brott|przestęp|waffe|wapen|vapen|broń)\w*; "
                         r"cyber(abwehr|défense|verdediging|försvar|obron|krieg|guerre)\w*; "
                         r"cyber(oorlog|krig|wojn|espion|spionage|szpieg|menace|bedrohung)\w*; "
                         r"cyber(hot|zagroż|dreiging|risik|risque|risico|ryzyk|terror)\w*; "
                         r"cyber(operation|opération|operacj)\w*; "
                         r"ciber(ataque|seguridad|delincuen|delito|crimen|crimin|amenaza)\w*; "
                         r"ciber(defensa|espionaje|guerra|arma|terror|segurança|ameaça)\w*; "
                         r"ciber(defesa|espionagem|operaç|operacion)\w*; siber; "
                         r"siber(güvenlik|saldırı|suç|tehdit|casus|savaş|uzay|ordu)\w*; "
                         r"siber(operasyon|korsan)\w*; it-sicherheit\w*; "
                         r"informationssicherheit\w*; attaques? informatiques?; "
                         r"sécurité informatique; ataques? informáticos?; seguridad informática; "
                         r"attacch[io] informatic[io]; sicurezza informatica; "
                         r"criminalità informatica; segurança informática; atak\w* hakersk\w*; "
                         r"bilişim suç\w*",
        "hacking": r"hacker\w*; gehackt\w*; sicherheitslück\w*; schwachstelle\w*; "
                   r"schadsoftware\w*; piratage\w*; pirates? informatiques?; vulnérabilité\w*; "
                   r"failles? de sécurité; logiciels? malveillants?; "
                   r"hacke(o|ar|ado|ada|ados|adas|aron|ó); vulnerabilidad\w*; software malicioso; "
                   r"vulnerabilità; hackerat[oiae]; software dannoso; attacco hacker; "
                   r"vulnerabilidade\w*; hackead[oa]s?; ataque hacker; kwetsbaarheid; "
                   r"kwetsbaarheden; beveiligingslek\w*; luk\w* bezpieczeństwa; "
                   r"luk\w* w zabezpieczeniach; podatnoś(ć|ci) na ataki; haker\w*; zhakowan\w*; "
                   r"złośliw\w* oprogramowan\w*; sårbarhet\w*; säkerhetshål\w*; hackare\w*; "
                   r"hackad\w*; hackerattack\w*; skadlig\w* (kod|programvara); güvenlik açığ\w*; "
                   r"zafiyet\w*; bilgisayar korsan\w*; zararlı yazılım\w*; "
                   r"kötü amaçlı yazılım\w*; sıfır gün\w*",
        "harmful outputs": r"schädlich\w*; harmlos\w*; nuisible\w*; préjudiciable\w*; "
                           r"inoffensi(f|fs|ve|ves); dañin[oa]s?; perjudicial(es)?; "
                           r"inofensiv[oa]s?; nociv[oiae]s?; dannos[oiae]; innocu[oiae]; "
                           r"prejudicia(l|is); danos[oa]s?; schadelijk\w*; onschadelijk\w*; "
                           r"szkodliw\w*; nieszkodliw\w*; skadlig\w*; ofarlig\w*; zararlı\w*; "
                           r"zararsız\w*",
        "safeguards": r"schutzmaßnahme\w*; schutzvorkehrung\w*; leitplanke\w*; "
                      r"sicherheitsvorkehrung\w*; schutzmechanism\w*; garde-fous?; "
                      r"mesures? de protection; salvaguardas?; salvaguardia\w*; "
                      r"medidas? de protección; salvaguardi[ae]; misure di salvaguardia; "
                      r"waarborg\w*; vangrail\w*; beschermingsmaatregel\w*; skyddsåtgärd\w*; "
                      r"skyddsmekanism\w*; skyddsräcke\w*; güvence\w*; koruma önlem\w*",
        "dangerous capabilities": r"gefährlich\w*; gefahr(en)?; dangereu\w*; peligros[oa]s?; "
                                  r"peligros?; pericolos[oiea]; pericol[oi]; perigos[oa]s?; "
                                  r"perigos?; gevaarlijk\w*; gevaar; gevaren; niebezpieczn\w*; "
                                  r"niebezpieczeństw\w*; farlig\w*; faror(na)?; tehlike\w*",
        "deception": r"täusch\w*; lüg(e|en|t|ner\w*); manipulativ\w*; tromperie\w*; tromper; "
                     r"trompeu(r|rs|se|ses); mensong\w*; manipulat(eur|eurs|rice|rices); "
                     r"engañ\w*; mentir(a|as|oso|osa|osos|osas)?; manipulador\w*; adulación; "
                     r"servilismo; ingann\w*; menzogn\w*; mentire; manipolator\w*; piaggeria; "
                     r"engan(ar|oso|osa|osos|osas|ou|am|aram); bajulação; misleid\w*; bedrieg\w*; "
                     r"bedrog; leugen\w*; manipulatief\w*; oszuk\w*; kłam\w*; zwodnicz\w*; "
                     r"manipulacyjn\w*; służalcz\w*; vilsele\w*; bedräglig\w*; ljug\w*; lögn\w*; "
                     r"inställsam\w*; aldat\w*; yalan\w*; yanılt\w*; manipülatif\w*; dalkavuk\w*",
        "catastrophic risk": r"katastroph\w*; katastrof\w*; catastrof\w*; catástrof\w*; "
                             r"catastróf\w*; existenziell\w*; existentiel\w*; "
                             r"existencia(l|les|is); esistenzial[ei]; existentie(el|le); "
                             r"egzystencjaln\w*; existentiell\w*; varoluşsal\w*; auslöschung; "
                             r"aussterben; untergang; extinción; estinzione; extinção; "
                             r"uitsterven; ondergang; zagład\w*; wyginięci\w*; utrotning\w*; "
                             r"undergång\w*; yok oluş\w*; kıyamet\w*",
        "interpretability": r"interpretierbar\w*; erklärbar\w*; mechanistisch\w*; "
                            r"interprétabilité; explicabilité; explicabilidad; spiegabilità; "
                            r"explicabilidade; interpreteerbaar\w*; uitlegbaar\w*; "
                            r"interpretowalnoś\w*; wyjaśnialnoś\w*; tolkningsbar\w*; "
                            r"förklarbar\w*; yorumlanabilir\w*; açıklanabilir\w*",
        "unlearning": r"maschinelle\w* verlernen; verlernen; désapprentissage; desaprendizaje; "
                      r"disapprendimento; desaprendizagem; machinaal afleren; afleren; "
                      r"oduczani\w*; avlärning\w*; makine unutma\w*",
        "guarantees": r"garanti(e|en|ert|ere|eren|erte|a|as)\b; gwarant\w*; "
                      r"formale\w* verifikation; verifikation\w*; beweisbar\w*; "
                      r"vérification formelle; prouvable\w*; verificación formal; demostrable\w*; "
                      r"verifica formale; dimostrabil\w*; verificação formal; comprovável\w*; "
                      r"formele verificatie; aantoonbaar\w*; weryfikacj\w* formaln\w*; "
                      r"formell\w* verifiering; bevisbar\w*; biçimsel doğrulama\w*; "
                      r"kanıtlanabilir\w*",
        "backdoors": r"hintertür\w*; trojaner\w*; datenvergiftung\w*; portes? dérobées?; "
                     r"chevaux de troie; cheval de troie; empoisonnement des données; "
                     r"puertas? traseras?; troyano\w*; envenenamiento de datos; troian[oi]; "
                     r"avvelenamento dei dati; portas? dos fundos; cavalos? de troia; "
                     r"envenenamento de dados; achterdeur\w*; trojaans\w*; datavergiftiging\w*; "
                     r"tyln\w* furt(ka|ki|kę|ką|kami); zatruwani\w* danych; bakdörr\w*; "
                     r"dataförgiftning\w*; arka kapı\w*; truva at\w*; veri zehirle\w*",
        "loss of control": r"kontrollverlust\w*; unkontrollierbar\w*; unkontrolliert\w*; "
                           r"kontrollierbar\w*; menschliche\w* aufsicht; machtübernahme\w*; "
                           r"perte de contrôle; incontrôlable\w*; surveillance humaine; "
                           r"supervision humaine; prise de contrôle; pérdida de control; "
                           r"incontrolable\w*; descontrolad[oa]s?; supervisión humana; "
                           r"perdita di controllo; incontrollabil[ei]; fuori controllo; "
                           r"supervisione umana; controllabilità; perda de (controle|controlo); "
                           r"incontrolá(vel|veis); supervisão humana; controleverlies; "
                           r"verlies van controle; oncontroleerbaar\w*; menselijk toezicht; "
                           r"utrat\w* kontroli; niekontrolowan\w*; spod kontroli; "
                           r"nadz(ór|oru) człowieka; kontrollförlust\w*; förlust av kontroll; "
                           r"okontrollerbar\w*; mänsklig\w* tillsyn; kontrol kaybı\w*; "
                           r"kontrolden çık\w*; kontrol edilemez\w*; insan denetim\w*",
        "safety": r"sicherheit; ki-sicherheit\w*; sécurité; sûreté; seguridad; sicurezza; "
                  r"segurança; veiligheid\w*; veilig(e|er|ere)?; onveilig\w*; bezpieczeństw\w*; "
                  r"bezpieczn\w*; säkerhet(en)?; güvenli\w*; güvenliğ\w*",
        "risk": r"risik\w*; bedrohung\w*; risqu\w*; menaces?; riesgo\w*; amenaza\w*; risch\w*; "
                r"minacc\w*; riscos?; ameaça\w*; risico\w*; dreiging\w*; bedreiging\w*; ryzyk\w*; "
                r"zagroż\w*; risker(na)?; riskabel\w*; riskant\w*; hoten; hotet; hotbild\w*; "
                r"riskli\w*; riskler\w*; tehdit\w*; tehdid\w*",
        "refusals": r"verweiger\w*; refus; refuser; refusé\w*; refusent; "
                    r"rechaz(a|an|ar|ó|o|ado|ada); negarse; rifiut(a|are|ano|ato|ata|o); "
                    r"recus(a|ar|am|ou|ado|ada); weiger\w*; odm(aw|ów|ow)\w*; vägra\w*; vägrar; "
                    r"reddet\w*",
        "reward hacking": r"situatives bewusstsein; conscience situationnelle; "
                          r"conciencia situacional; consapevolezza situazionale; "
                          r"consciência situacional; situationeel bewustzijn; "
                          r"świadomoś\w* sytuacyjn\w*; situationsmedvetenhet\w*; "
                          r"durumsal farkındal\w*; belohnungshacking; hackeo de recompensas?; "
                          r"hackeo de la recompensa",
        "self-replication": r"selbstreplikation\w*; selbstreplizier\w*; auto-?réplica\w*; "
                            r"auto-?r?replica\w*; zelfreplic\w*; samoreplikac\w*; "
                            r"samoreplikuj\w*; självreplikera\w*; självreplikering\w*; "
                            r"kendini kopyala\w*; kendi kendini kopyala\w*",
        "evaluations": r"evaluierung\w*; évaluation\w*; evaluaci(ón|ones); valutazion[ei]; "
                       r"avaliaç(ão|ões); evaluatie\w*; ewaluacj\w*; utvärdering\w*; "
                       r"değerlendirme\w*",
        "attacks": r"\w*angriff\w*; angreif\w*; attaqu\w*; adversair\w*; ataque\w*; "
                   r"atac(a|an|ar|ó|ado|ada|ante|antes); adversari[oa]s?; attacc\w*; "
                   r"avversari[oa]?; atacad[oa]s?; aanval\w*; atak\w*; napastnik\w*; angrepp\w*; "
                   r"angripare\w*; saldırı\w*; saldırgan\w*",
        "security": r"sécuris\w*; beveilig\w*; zabezpiecz\w*",
    },
}
