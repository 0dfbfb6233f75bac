"""``THEME_CUES`` (lexicon.py) in German, French, Spanish, Italian, Portuguese, Dutch, Polish,
Swedish and Turkish: `robotics` and `compute`; `policy` and `safety` are in european_policy.py
and european_safety.py.

Languages: German, French, Spanish, Italian, Portuguese, Dutch, Polish, Swedish,
Turkish.  Same format as THEME_CUES: theme -> existing cue name -> "; "-separated
alternatives, each a phrase of up to 4 space-separated token regexes that must
FULLMATCH a lower-cased token.  Written from knowledge of the languages only.

Deliberately left out (ambiguous in everyday news, or a clash with another
language or with English): German "Regel", "Staat" (Dutch "staat" = stands),
"Haushalt" (budget), "Gelände"; French "puce", "main(s)" (English "main"),
"pays" (English "pays"), "premier" (= first), "traité" (= treated), "enquête"
(= investigation), "campagne" (= countryside); Spanish/Italian/Portuguese
"estado"/"stato" (= been), "cámara"/"câmara"/"camera" (= chamber), "servidor"
(= civil servant); Dutch "wet" (English "wet"), "vs"; Polish "SI", "magazyn"
(= magazine), "wywiad" (= interview); Swedish "lag", "hot", "bil", "el",
"händer" (= happens), "missbruk" (substance abuse), "suverän" (= superb);
Turkish "ab" (German "ab"), "mit", "araç" (= tool), "ajans", "lisans",
"kök", "çip" (also "çipura").
"""

from __future__ import annotations

__all__ = ["THEME_CUES_EUROPEAN"]

THEME_CUES_EUROPEAN: dict[str, dict[str, str]] = {
    "robotics": {
        "robots": r"\w+roboter\w*; robô\w*; robótic\w*; \w+robot(en|ar|arna|arnas|er|erne)",
        "manipulation": r"manipulación; manipulaciones; manipolazion[ei]; manipulação; "
                        r"manipulações; manipulacj\w*; manipülasyon\w*; objektmanipulation\w*",
        "grasping": r"greifer\w*; greifarm\w*; greifhand; préhension; agarre; pinzas? robótic\w*; "
                    r"afferr(are|a|ano|ato|ata|ati|ando); pinz[ae] robotich?[ea]; preensão; "
                    r"garras? robótic\w*; chwytak\w*; chwytani\w*; grijper\w*; grijparm\w*; "
                    r"gripdon\w*; gripklo\w*; robot tutucu\w*",
        "robot arms": r"bras robot\w*; bras robotis\w*; bras articulés?; brazos? robótic\w*; "
                      r"bra(ccio|cci) robotic[oi]; braços? robótic[oa]s?; braços? robô; "
                      r"robotyczn\w* rami\w*; rami\w* robot\w*; robot kol\w*",
        "humanoids": r"humanoïde\w*; umanoid\w*; insansı\w*; zweibeinig\w*; vierbeinig\w*; "
                     r"bipède\w*; quadrupède\w*; bípedo\w*; cuadrúpedo\w*; bipedi; bipede; "
                     r"quadrupedi; bípede\w*; quadrúpede\w*; tweebenig\w*; vierbenig\w*; "
                     r"dwunożn\w*; tvåbent\w*; iki ayaklı",
        "locomotion": r"locomoción; locomoção; locomozione; lokomocj\w*; lokomotion; lokomosyon; "
                      r"fortbewegung; voortbeweging; camin(ar|a|an|ando|ó|aba|aban); "
                      r"cammin(are|a|ano|ando|ava|ò); caminh(ar|a|am|ando|ou|ava); yürüme\w*; "
                      r"yürüyen; yürüyebil\w*; beine; beinen; jambes?; piernas?; gamb[ae]; "
                      r"pernas?; benen; nog(i|ach|ami); nóg; bacak\w*; bacağ\w*",
        "drones": r"\w*drohne\w*; dron(y|ów|a|em|ami|ach|om|ie)?; droni; drönare\w*; "
                  r"quadricoptère\w*; cuadricóptero\w*; quadricotter[oi]; quadricóptero\w*; "
                  r"quadrokopter\w*; kwadrokopter\w*; multikopter\w*; "
                  r"vehículos? aéreos? no tripulados?; veículos? aéreos? não tripulados?; "
                  r"aeromobil\w* a pilotaggio remoto; unbemannte\w* luftfahrzeug\w*; "
                  r"bezzałogow\w*; insansız hava araç\w*; insansız hava aracı",
        "sim2real": r"reale\w* welt; realen welt; echte\w* welt; physische\w* welt; physisch\w*; "
                    r"monde réel; monde physique; mundo real; mundo físico; mondo reale; "
                    r"mondo fisico; echte wereld; fysieke wereld; fysiek\w*; "
                    r"rzeczywist\w* świ(at|ecie|ata); prawdziw\w* świ(at|ecie|ata); "
                    r"fizyczn\w* świ(at|ecie|ata); fizyczn\w*; verkliga världen; fysiska världen; "
                    r"fysisk\w*; gerçek dünya\w*; fiziksel\w*",
        "embodiment": r"verkörpert\w* (ki|intelligenz|agenten?|systeme?); ia incarnée; "
                      r"intelligence incarnée; agents? incarnés?; ia encarnada; "
                      r"inteligencia encarnada; ia incorporada; ia incarnata; "
                      r"intelligenza incarnata; intelligenza incorporata; "
                      r"inteligência incorporada; belichaamde (ai|intelligentie|agenten?); "
                      r"ucieleśnion\w* (ai|sztuczn\w*|inteligencj\w*|agent\w*); "
                      r"förkroppsligad\w* (ai|intelligens|agenter); "
                      r"bedenlenmiş (yapay|zek[aâ]\w*); somutlaşmış yapay",
        "warehouses": r"lagerhaus\w*; lagerhalle\w*; logistikzentr\w*; logistik\w*; "
                      r"fabrik(en|er|erna)?; fabrikhalle\w*; gigafabrik\w*; autofabrik\w*; "
                      r"batteriefabrik\w*; industriell\w*; fertigung\w*; hersteller\w*; "
                      r"entrepôts?; logistique\w*; usines?; industriel\w*; fabricant\w*; "
                      r"almac(én|enes); logístic\w*; fábricas?; fabricant\w*; fabricación; "
                      r"magazzin[oi]; logistic[ao]; logistiche; fabbric(a|he); industriale\w*; "
                      r"industriali; industriales; industriais; manifattur\w*; armaz(ém|éns); "
                      r"fabricação; manufatur\w*; magazijn\w*; distributiecentr\w*; logistiek\w*; "
                      r"fabriek\w*; fabrikant\w*; industrieel; industriële; "
                      r"centr\w* logistyczn\w*; logistyk\w*; logistyczn\w*; fabryk\w*; "
                      r"przemysłow\w*; producent\w*; lagerlokal\w*; tillverk\w*; depo; deposu; "
                      r"depolar\w*; depoda; depoya; lojistik\w*; lojistiğ\w*; fabrika\w*; "
                      r"endüstriyel; imalat\w*",
        "self-driving": r"selbstfahrend\w*; fahrerlos\w*; "
                        r"autonom\w* (fahren\w*|fahrzeug\w*|autos?); \w*fahrzeug\w*; "
                        r"voitures? autonomes?; véhicules? autonomes?; conduite autonome; "
                        r"sans conducteur; voitures?; véhicules?; coches? autónomos?; "
                        r"vehículos? autónomos?; conducción autónoma; sin conductor; coches?; "
                        r"automóvil(es)?; vehículos?; conducción; guida autonoma; "
                        r"veicol[oi] autonom[oi]; senza conducente; "
                        r"automobil(i|e|es|en|er|ismo)\b(?<!automobile)(?<!automobiles); "
                        r"veicol[oi]; carros? autónomos?; carros? autônomos?; "
                        r"veículos? autónomos?; veículos? autônomos?; condução autónoma; "
                        r"condução autônoma; direção autônoma; sem condutor; sem motorista; "
                        r"carros?; automóve(l|is); veículos?; zelfrijdend\w*; bestuurderloz\w*; "
                        r"autonome (auto|voertuigen); voertuig\w*; "
                        r"autonomiczn\w* (samochod\w*|samochód|pojazd\w*|jazd\w*); bez kierowcy; "
                        r"samochod\w*; samochód; pojazd\w*; självkörande; förarlös\w*; "
                        r"autonoma (bilar|fordon); bil(ar|en|arna|ens); fordon\w*; sürücüsüz\w*; "
                        r"otonom (araç\w*|arac\w*|araba\w*|sürüş\w*|otomobil\w*); otomobil\w*; "
                        r"araba\w*; sürüş\w*",
        "teleoperation": r"fernsteuer\w*; ferngesteuert\w*; ferngelenkt\w*; téléopér\w*; "
                         r"télécommandé\w*; teleoperaci(ón|ones); teledirigid\w*; "
                         r"teleoperazion\w*; telecomandat\w*; pilotaggio remoto; teleoperação; "
                         r"controlad[oa]s? remotamente; op afstand bestuurd\w*; teleoperacj\w*; "
                         r"zdalnie sterowan\w*; fjärrstyr\w*; teleoperasyon\w*; "
                         r"uzaktan kumandalı\w*",
        "actuators": r"aktuator\w*; aktoren; servomotor(en|es|i|e|er|erna|y|ów); drehmoment\w*; "
                     r"actionneurs?; moteurs?; actuador\w*; "
                     r"motor(en|er|erna|y|ów|ami|ach|lar\w*|u); par motor; attuator[ei]; "
                     r"atuador\w*; actuatoren; siłownik\w*; silnik\w*; moment obrotow\w*; "
                     r"ställdon\w*; vridmoment\w*; eyleyici\w*; aktüatör\w*; tork",
        "dexterous hands": r"fingerfertig\w*; hände; händen; finger(n)?; dextérité; doigts?; "
                           r"destreza; manos?; dedos?; destrezza; mani; dita; dito; mãos?; mão; "
                           r"behendig\w*; handen; vingers?; zręczn\w*; dłoń; dłoni\w*; "
                           r"ręk(a|i|ę|ą|ach|ami|om); ręce; palc(e|ami|ach|ów); palec; "
                           r"fingerfärdig\w*; händerna; fingr(ar|arna); parmak\w*; parmağ\w*; "
                           r"el becerisi",
        "navigation": r"navigier\w*; hindernis\w*; navigu(er|e|ent|ant); obstacles?; navegación; "
                      r"naveg(ar|a|an|ando); obstáculos?; navigazion[ei]; naviga(re|no|ndo); "
                      r"ostacol[oi]; navegação; navigatie; navigeren; navigeert; obstakel\w*; "
                      r"nawigacj\w*; nawigow\w*; przeszk(oda|ody|odę|odą|odami|odach|ód); "
                      r"navigering\w*; navigera\w*; hindret; hindren; navigasyon\w*",
        "sensors": r"sensor(en|er|erna|es|i|e|ów|ami|ach); \w+sensor(en|er|erna|i|ów|ami|ach); "
                   r"capteurs?; czujnik\w*; sensör\w*; algılayıcı\w*; kameras; caméras?; "
                   r"telecamer[ae]; câmeras?; kamer(a|y|ą|ę|ze|ami|ach|or|an|orna); kamera\w*; "
                   r"taktil\w*; tactiles?; táctil(es)?; tattil[ei]; tát(il|eis); dotykow\w*; "
                   r"dokunsal; haptisch\w*; haptique\w*; háptic\w*; aptic[oi]; propriozept\w*; "
                   r"propiocep\w*; propriocep\w*; propriocezion\w*; propriosepsiyon\w*",
        "household tasks": r"küche\w*; hausarbeit\w*; haushaltsaufgab\w*; gegenstände(n)?; "
                           r"objekte(n)?; cuisines?; tâches ménagères; ménagères?; objets?; "
                           r"cocinas?; tareas domésticas; quehaceres; objetos?; cucin[ae]; "
                           r"faccende domestiche; lavori domestici; oggett[oi]; cozinhas?; "
                           r"tarefas domésticas; afazeres domésticos; keuken\w*; huishoud\w*; "
                           r"objecten; voorwerp(en)?; kuchni\w*; kuchnia; prace domowe; "
                           r"obowiązki domowe; obiekt(y|ów|ami|ach); köket; köksrobot\w*; "
                           r"hushåll\w*; hushållsarbete\w*; föremål\w*; objekt(en)?; mutfak\w*; "
                           r"mutfağ\w*; ev işleri\w*; nesne\w*",
    },
    "compute": {
        "GPUs": r"grafikprozessor\w*; grafikkarte\w*; grafikchip\w*; processeurs? graphiques?; "
                r"cartes? graphiques?; procesador(es)? gráficos?; "
                r"unidad(es)? de procesamiento gráfico; tarjetas? gráficas?; "
                r"processor[ei] grafic[oi]; schede? grafiche; scheda grafica; "
                r"processador(es)? gráficos?; placas? gráficas?; placas? de vídeo; "
                r"grafische (kaart\w*|processor\w*); videokaart\w*; grafische kaarten; "
                r"procesor\w* graficzn\w*; kart\w* graficzn\w*; grafikkort\w*; "
                r"grafikprocessor\w*; grafik (işlemci\w*|kart\w*); ekran kart\w*",
        "chips": r"halbleiter\w*; "
                 r"(ki|halbleiter|computer|speicher|grafik|prozessor|server|rechen)chips?; "
                 r"chip(hersteller|industrie|fabrik|branche|produktion|konzern|riese)\w*; "
                 r"chip(sektor|design|entwickl|markt|krieg|export)\w*; silizium\w*; "
                 r"mikroprozessor\w*; semi-conducteurs?; semiconducteurs?; puces? électroniques?; "
                 r"puces? (ia|informatiques?); puces? de silicium; fabricants? de puces; "
                 r"silicium; microprocesseur\w*; semiconductor(es)?; silicio; microprocesador\w*; "
                 r"semicondutt\w*; microprocessor[ei]; semicondutor(es)?; silício; "
                 r"halfgeleider\w*; chipfabrikant\w*; chipsector\w*; półprzewodnik\w*; "
                 r"chip(y|ów|ami|ach|a|em)?; czip(y|ów|ami|ach|a|em)?; krzem\w*; "
                 r"układ\w* scalon\w*; halvledar\w*; chip(pet|pen|tillverkar\w*); kisel\w*; "
                 r"yarı iletken\w*; yarıiletken\w*; yonga(lar\w*|sı|ları\w*|seti\w*)?; "
                 r"silisyum\w*",
        "clusters": r"\w+cluster(n|s)?; clústeres?; clúster; klaster\w*; kluster\w*; "
                    r"(gpu|sunucu|bilgisayar) küme\w*",
        "supercomputers": r"supercalculateur\w*; superordinateur\w*; supercalcolator[ei]; "
                          r"superkomputer\w*; superdator\w*; süper bilgisayar\w*; "
                          r"süperbilgisayar\w*; hochleistungsrechner\w*; "
                          r"höchstleistungsrechner\w*; großrechner\w*",
        "datacenters": r"\w*rechenzentr\w*; datenzentr\w*; centres? de données; "
                       r"centres? de calcul; centros? de datos; centr[oi] dati; "
                       r"centr[oi] di elaborazione dati; centros? de dados; datacentr\w*; "
                       r"datacenters?; rekencentr\w*; centr\w* danych; centr\w* obliczeniow\w*; "
                       r"serwerowni\w*; datacent(er|ret|ra|rer|rum)\w*; datahall\w*; "
                       r"serverhall\w*; veri merkez\w*",
        "FLOPs": r"pétaflop\w*; téraflop\w*; teraflop\w*; gleitkommaoperation\w*; "
                 r"opérations? en virgule flottante; operaciones de coma flotante; "
                 r"operazioni in virgola mobile; operações de ponto flutuante; "
                 r"drijvendekommabewerking\w*; operacj\w* zmiennoprzecinkow\w*; "
                 r"flyttalsoperation\w*; kayan nokta\w*",
        "wafer-scale": r"plaquettes? de silicium; obleas?; bolachas? de silício; "
                       r"płytk\w* krzemow\w*; kiselskiv\w*; yonga plaka\w*",
        "hardware": r"matériel informatique; matériels informatiques; sprzętow\w*; "
                    r"sprzęt komputerow\w*; hårdvar(a|an|u)\w*; donanım\w*",
        "accelerators": r"\w*beschleuniger\w*; accélérateur\w*; acelerador(es)?; acceleratori?; "
                        r"versneller\w*; akcelerator\w*; accelerator(er|erna|n)?; hızlandırıcı\w*",
        "inference": r"inferenz\w*; inférence\w*; inferencia\w*; inferenza; inferenze; "
                     r"inferência\w*; inferentie\w*; inferencj\w*; inferens\w*; çıkarım\w*",
        "throughput": r"durchsatz\w*; latenz\w*; latence\w*; latencia\w*; latência\w*; "
                      r"latentie\w*; latencj\w*; latens\w*; genomströmning\w*; "
                      r"doorvoersnelheid\w*; tokens pro sekunde; tokens par seconde; "
                      r"jetons par seconde; tokens por segundo; token al secondo; "
                      r"tokens per seconde; tokenów na sekundę; tokens per sekund; saniyede token",
        "distributed training": r"verteilte\w* (training\w*|inferenz); dezentral\w* training\w*; "
                                r"entraînement distribué; apprentissage distribué; "
                                r"entraînement décentralisé; entrenamiento distribuido; "
                                r"entrenamiento descentralizado; addestramento distribuito; "
                                r"addestramento decentralizzato; treinamento distribuído; "
                                r"treino distribuído; treinamento descentralizado; "
                                r"gedistribueerde training; gedecentraliseerde training; "
                                r"rozproszon\w* trening\w*; trening\w* rozproszon\w*; "
                                r"uczeni\w* rozproszon\w*; rozproszon\w* uczeni\w*; "
                                r"distribuerad\w* träning; decentraliserad\w* träning; "
                                r"dağıtık (eğitim\w*|çıkarım\w*); parallelisierung\w*; "
                                r"parallélisme; paralelismo; parallelismo; parallellisme; "
                                r"zrównoleglan\w*; zrównoleglen\w*; parallellism; "
                                r"parallelisering\w*",
        "interconnect": r"interconnexion\w*; interconexi(ón|ones); interconnession[ei]; "
                        r"interconexão; interconexões; interligaç(ão|ões)",
        "memory bandwidth": r"speicherbandbreite\w*; bande passante; ancho de banda; "
                            r"larghezza di banda; banda passante; largura de banda; "
                            r"bandbreedte\w*; geheugenbandbreedte\w*; przepustowość pamięci; "
                            r"pasm\w* przenoszeni\w*; bandbredd\w*; minnesbandbredd\w*; "
                            r"bant genişliği\w*",
        "energy": r"energi(e|a|ja|jy|i|n|förbrukning|bedarf|verbrauch|kosten|versorgung)\b; "
                  r"energía\w*; énergie\w*; enerji\w*; (kern|wind|solar|sonnen|atom)energie\w*; "
                  r"strom; stroms; strom(verbrauch|bedarf|netz|preis|kosten|versorgung)\w*; "
                  r"elektrizität\w*; \w*kraftwerk\w*; électricité; "
                  r"centrales? (électriques?|nucléaires?|thermiques?); electricidad; "
                  r"centra(l|les) (eléctric|nuclear|térmic)\w*; elettricità; "
                  r"central[ei] (elettric|nuclear|termic)\w*; eletricidade; electricidade; "
                  r"centra(l|is) (elétric|eléctric|nuclear|térmic)\w*; "
                  r"usinas? (nucleares?|elétricas?|termelétricas?); usinas? de energia; "
                  r"elektriciteit\w*; (kern|energie|elektriciteits|kolen|gas)centrale\w*; "
                  r"elektrowni\w*; energii elektrycznej; prąd(u|em)? elektryczn\w*; "
                  r"elektricitet\w*; elförbrukning\w*; elnät\w*; elpris\w*; \w*kraftverk\w*; "
                  r"elektrik\w*; santral\w*; megawat\w*; gigawat\w*; megavatio\w*; gigavatio\w*; "
                  r"megavat\w*; gigavat\w*",
        "money": r"milliard\w*; miliard\w*; miljard\w*; milyar\w*; mil millones; millardos?; "
                 r"bilh(ão|ões); bili(ão|ões); mrd\.?; mld\.?; dólar(es)?; dollari; dolar\w*",
        "compute": r"rechenleistung\w*; rechenkapazität\w*; rechenkraft; rechenressourcen; "
                   r"puissance de calcul; capacités? de calcul; ressources de calcul; "
                   r"capacidad(es)? de (cómputo|cálculo|computación); "
                   r"potencia de (cómputo|cálculo); recursos de (cómputo|computación); "
                   r"potenza di calcolo; capacità di calcolo; risorse di calcolo; "
                   r"poder computacional; capacidade\w* computaciona\w*; "
                   r"capacidade de computação; poder de processamento; recursos computacionais; "
                   r"rekenkracht\w*; rekencapaciteit\w*; moc\w* obliczeniow\w*; obliczeniow\w*; "
                   r"beräkningskraft\w*; datorkraft\w*; beräkningskapacitet\w*; işlem gücü\w*; "
                   r"hesaplama (gücü\w*|kapasite\w*)",
        "training runs": r"trainingslauf\w*; trainingsläufe\w*; trainingskosten; "
                         r"costos? de entrenamiento; costes? de entrenamiento; "
                         r"cost[oi] di addestramento; custos? de treinamento; custos? de treino; "
                         r"trainingsrun\w*; koszt\w* (trening\w*|trenowania); träningskörning\w*; "
                         r"träningskostnad\w*",
        "on-device": r"\w*smartphones?; endgerät\w*; téléphones?; ordinateurs? portables?; "
                     r"teléfonos?; teléfonos? móviles?; celulares?; portátil(es)?; telefon[oi]; "
                     r"cellular[ei]; portatil[ei]; telefones?; telemóve(l|is); portáteis; "
                     r"telefoons?; mobieltjes?; smartfon\w*; telefon\w*; laptop\w*; "
                     r"mobiltelefon\w*; bärbar\w* dator\w*; akıllı telefon\w*; dizüstü\w*; "
                     r"cihaz üzerinde",
        "quantization": r"quantisier\w*; cuantiz\w*; quantizz\w*; kwantyzacj\w*; kwantyzow\w*; "
                        r"kwantis\w*; kvantiser\w*; niceleme\w*; kuantizasyon\w*",
        "efficiency": r"effizien\w*; eficien\w*; eficiên\w*; efficiën\w*; wydajn\w*; efektywn\w*; "
                      r"effektivitet\w*; effektivisering\w*; verimli\w*; schneller; "
                      r"plus rapides?; más rápid[oa]s?; più veloc[ei]; più rapid[oi]; "
                      r"mais rápid[oa]s?; sneller; szybsz\w*; snabbare; daha hızlı\w*",
        "servers": r"servern; serveurs?; "
                   r"servidor(es)? (de|para) (ia|inteligencia|inteligência|datos|dados|gpus?); "
                   r"serwer\w*; server(ar|n|arna); sunucu\w*; serverrack\w*; "
                   r"serverschr(ank|änke)\w*",
        "fabs": r"chipfabrik\w*; halbleiterwerk\w*; halbleiterfabrik\w*; auftragsfertiger\w*; "
                r"lithografi\w*; litografi\w*; litografía\w*; fonderies?; "
                r"usines? de (puces|semi-conducteurs|semiconducteurs); fundici(ón|ones); "
                r"fábricas? de (chips|semiconductores); fonderi[ae]; "
                r"fabbric(a|he) di (chip|semiconduttori); fundiç(ão|ões); "
                r"fábricas? de (chips|semicondutores); chipfabriek\w*; odlewni\w*; "
                r"fabryk\w* (chip\w*|półprzewodnik\w*); chipfabrik(en|er|erna)?; dökümhane\w*; "
                r"çip fabrika\w*; yonga fabrika\w*; "
                r"nanom(e|è|é|ô)t(er|ers|re|res|ro|ros|ri|r|ru|rów|rach)",
        "scale": r"skalier\w*; hochskalier\w*; escalado; escalabilidad; escalamiento; "
                 r"scalabilità; scalare; scalatura; escalabilidade; escalonamento; opschal\w*; "
                 r"schaalvergroting\w*; schaalbaar\w*; skalowa\w*; skalowaln\w*; skalning\w*; "
                 r"skalbar\w*; uppskal\w*; ölçeklen\w*; ölçeklendir\w*; ölçekleme\w*",
        "cost": r"kosten; kostet; kosteten; kostspielig\w*; teuer\w*; teur(e|en|er|es|em); "
                r"billig\w*; coûts?; coûteu\w*; onéreu\w*; bon marché; dépenses?; costos?; "
                r"costes?; costos[oa]s?; barat[oa]s?; precios?; gastos?; cost[oi]; costos[oiae]; "
                r"prezz[oi]; spes[ae]; custos?; custos[oa]s?; preços?; goedkop\w*; uitgaven; "
                r"koszt\w*; tani(e|ej|ch|ego|ą|a)?; ceny; cenach; wydatk\w*; kostnad\w*; kostar; "
                r"dyr(a|t|are|aste)?; priser(na)?; maliyet\w*; pahalı\w*; ucuz\w*; fiyat\w*; "
                r"harcama\w*",
    },
}
