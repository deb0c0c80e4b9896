"""What a citizen's free French message says, field by field: a whole letter in one message.

`read_message(text, …)` returns the contract fields it finds (names, home address, e-mail,
phone, file reference, date of the facts with its precision and range, place, persons
contacted, objective, acting for, the plan's registry fields) and the facts part of the
message without the identity block. Rules, not a trained model: each recogniser looks for
the forms citizens use ("je m'appelle…", a signature, "Nom : … Prénom : …", "Mme Hardy",
"je demande que…"), `phonenumbers` finds phones, our date recognisers (`bot.domain.dates`)
keep the precision of what was said. Conservative: a key is returned only when its value is
clear. Nothing here raises and nothing reads the clock (`now` is injected).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

import phonenumbers

from bot.domain.dates import ParsedDate, find_date, local_today
from bot.domain.text import fold
from bot.domain.validation import (
    FieldError,
    find_email,
    split_full_name,
    validate_email,
    validate_name,
)

# ------------------------------------------------------------------ vocabulary

_UP = "A-ZÀ-ÖØ-Þ"
_NAME_WORD = rf"[{_UP}][^\W\d_]*(?:[-'’][^\W\d_]+)*"
_TITLE = r"(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle|Ma[iî]tre|Dr\.?|Docteur)"
_STREET_TYPES = (
    r"rue|avenue|av\.?|boulevard|bd|chauss[ée]e|place|chemin|route|all[ée]e|impasse|quai|square|clos|cours"
    r"|dr[èe]ve|sentier|voie|rond-point|galerie|r[ée]sidence|lotissement|hameau|faubourg|passage|parvis"
    r"|venelle|cit[ée]|drève|esplanade|promenade|ruelle|val|vieux\s+chemin"
    # streets abroad: Spain, Portugal, Italy, the Netherlands and Flanders, England
    r"|calle|avenida|plaza|paseo|carrer|rua|via|viale|piazza|corso|straat|laan|steenweg|road|street"
)
# "Hauptstraße 5", "Kerkstraat 12": the street's kind at the end of its name
_COMPOUND_STREET = r"[\w'’-]+(?:stra(?:ß|ss)e|str\.|weg|platz|gasse|straat|laan|steenweg|dreef|plein)"
# a particle only inside the name ("Braine le Comte"), never its end ("6000 Charleroi depuis 10 ans")
_TOWN = (rf"(?:[{_UP}][\w'’-]*|[a-zà-ÿ][\w'’-]{{2,}})"
         rf"(?:[ -](?:(?:sur|sous|lez|lès|les|en|le|la|de|du|aux)[ -]|l')*[{_UP}][\w'’-]*)*")
_POSTCODE = r"(?:(?:B|F|L|NL)\s*-\s*)?(?:\d{4,5}|\d{4}\s?[A-Z]{2})"
_ADDRESS_RE = re.compile(
    rf"(?P<street>(?:(?<![\d.])(?<!\d\s)\d{{1,4}}(?:\s?(?:bis|ter|[a-zA-Z]))?[ \t]*,?[ \t]+(?:{_STREET_TYPES})\b[^,\n()]{{2,50}}?"
    rf"|(?:{_STREET_TYPES})\b[^,\n()]{{2,50}}?\s\d{{1,4}}(?:\s?[a-zA-Z]\b)?(?:\s*(?:bte|boîte|boite|bus|/)\s*\w+)?"
    rf"|{_COMPOUND_STREET}\s\d{{1,4}}(?:\s?[a-zA-Z]\b)?))"
    rf"\s*[,-]?\s*(?:(?:à|a)\s+)?(?P<postcode>{_POSTCODE})\s+(?P<town>{_TOWN})"
    rf"(?:\s*[,(]?\s*(?P<country>Belgique|France|Pays-Bas|Luxembourg|Allemagne|Espagne|Italie|Suisse|Nederland|Portugal"
    rf"|Maroc|Alg[ée]rie|Tunisie|Turquie|Pologne|Roumanie|Royaume-Uni|Irlande|Autriche|Gr[èe]ce|Deutschland|Espa[ñn]a))?",
    re.IGNORECASE,
)
_TOWN_STOP = {
    "et", "je", "j", "mon", "ma", "mes", "mail", "email", "e-mail", "tel", "tél", "téléphone", "gsm", "le", "la",
    "depuis", "pour", "avec", "où", "ou", "qui", "que", "en", "au", "aux", "dans", "sur", "vous", "nous", "il",
    "elle", "on", "mais", "car", "donc", "ce", "cet", "cette", "suite", "par", "mobile", "portable",
}
_TOWN_PARTICLES = {"le", "la", "sur", "en", "au", "aux", "sous", "lez", "lès", "les"}
_CLOSINGS = (
    r"cordialement|bien (?:à|a) vous|bien cordialement|salutations(?: distinguées)?|sinc[èe]res salutations"
    r"|veuillez agr[ée]er[^\n]*|je vous prie d'agr[ée]er[^\n]*|merci d'avance|merci par avance|merci beaucoup"
    r"|d'avance merci|merci|bonne (?:journée|soirée)|respectueusement|amicalement|bàv|bav|slt|a\+|@\+"
)
_GREETINGS = r"(?:bonjour|bonsoir|salut|slt|hello|madame,?\s+monsieur|monsieur,?\s+madame|madame|monsieur|chers? \w+)"

# "Nom : Martin", "Prénom: Claire", "Adresse : …" (a line, or inline after ". ")
_LABELS: list[tuple[str, str]] = [
    ("first_name", r"pr[ée]nom"),
    ("last_name", r"nom(?:\s+de\s+famille)?"),
    ("address", r"adresse(?:\s+postale|\s+du\s+domicile)?|domicile"),
    ("email", r"e-?mail|courriel|mail|adresse\s+(?:e-?mail|[ée]lectronique)"),
    ("phone", r"t[ée]l[ée]phone|t[ée]l\.?|gsm|portable|mobile"),
    ("file_reference", r"r[ée]f[ée]rence(?:\s+(?:du\s+)?dossier)?|r[ée]f\.?|n°\s*(?:de\s+)?dossier|num[ée]ro\s+de\s+dossier|dossier"),
    ("facts_date", r"date(?:\s+des\s+faits)?"),
    ("facts_place", r"lieu(?:\s+des\s+faits)?|endroit"),
    ("persons_contacted", r"personnes?\s+contact[ée]es?|contacts?\s+(?:pris|préalables?)|interlocuteurs?"),
    ("facts_description", r"faits|description(?:\s+des\s+faits)?|motif|r[ée]cit|probl[èe]me"),
    ("objective", r"objectif|demande|souhait|ce\s+que\s+je\s+demande|attentes?"),
    ("subject", r"objet(?:\s+de\s+(?:la|ma)\s+(?:r[ée]clamation|plainte))?|sujet"),
    ("service_concerned", r"contrat,\s*produit\s+ou\s+service|(?:contrat|produit|service)(?:\s+concern[ée])?"),
    ("other_parties", r"autres?\s+(?:intervenants?|parties?)|intervenants?"),
    ("persons_targeted", r"personnes?\s+vis[ée]es?"),
]
_ONE_LINE_LABELS = ("last_name", "first_name", "email", "phone", "file_reference", "facts_date", "subject",
                    "service_concerned", "facts_place", "other_parties", "persons_targeted")
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\n.;]))[ \t]*(?:[-•*][ \t]*)?(?P<label>" + "|".join(f"(?P<{k}>{p})" for k, p in _LABELS)
    + r")[ \t]*:[ \t]*",
    re.IGNORECASE | re.MULTILINE,
)

_COMPLAINT_REF_RE = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{3,}\b")
_REF_VALUE = r"(?P<ref>(?=[\w/.-]*\d)[A-Za-z0-9][\w/.-]*[A-Za-z0-9])"
_STRONG_REF_RE = re.compile(
    r"\b(?:(?:num[ée]ro|n°|no|nº|num)\s*(?:de\s+|d['’])?(?:dossier|client|affiliation|contrat|compte|police|facture"
    r"|abonn[ée]|membre|registre\s+national)"
    r"|(?:r[ée]f[ée]rence|r[ée]f\.?|code)\s+(?:de\s+|du\s+)?(?:client|dossier|contrat|abonn[ée])|dossier|r[ée]f[ée]rence|r[ée]f\.?|client\s+(?:n°|no|nº|num[ée]ro)"
    r"|affiliation|num[ée]ro\s+d['’]affiliation"
    r"|(?:affili[ée]e?|inscrite?|enregistr[ée]e?|connue?)(?:\s+chez\s+vous)?\s+(?:sous|avec)\s+(?:le|la\s+r[ée]f[ée]rence)"
    r"|affili[ée]e?s?(?=\s+(?:n°|nº|no\s|num[ée]ro)))(?![\w])"
    r"(?:\s+(?:n°|no|nº|num[ée]ro))?\s*(?:est\s+(?:le\s+)?|:|#|=)?\s*" + _REF_VALUE,
    re.IGNORECASE,
)
_WEAK_REF_RE = re.compile(
    r"(?:\b(?:demande|prime|facture|contrat|commande|ticket|courrier|permis|subside|audit|dossier)\b|n°|nº)"
    r"(?:\s*(?:de|d['’]|du|n°|no|nº)?\s*[^\W\d]+\b|\s*(?:n°|nº|no\.?))?(?:\s*(?:n°|nº|:))?"
    r"\s*\(?(?P<ref>(?=[\w/.-]*\d)(?:\d{2,}[/.-][\w/.-]*\d|[A-Z]{1,5}[-/]?\d{3,}[\w/-]*))(?![\w/])",
    re.IGNORECASE,
)
_PLACE_START = (
    r"(?:au|aux|à\s+la|à\s+l['’]|a\s+la|a\s+l['’]|à|a(?=\s+(?:vos|votre|nos|notre|mon|ma)\b)|dans\s+(?:vos|votre|nos|notre|les|le|la|l['’]|un|une|mon|ma)"
    r"|devant\s+(?:vos|votre|le|la|l['’]|mon|ma|mes|notre|nos|chez)|sur\s+(?:le|la|l['’])|en|chez)"
)
_PLACE_NOUNS = (
    r"guichets?|agences?|bureaux?|antennes?|centres?|permanences?|mairie|maison\s+communale|administration\s+communale"
    r"|si[èe]ge|succursales?|magasins?|boutiques?|points?\s+de\s+vente|locaux|accueil|recyparc|parc\s+à\s+conteneurs"
    r"|d[ée]chetterie|chantiers?|parking|domicile|entrep[ôo]t|usine|station|gare|h[ôo]pital|services?\s+(?:de|du|des)\s+\w+"
    r"|caisse|comptoir|salle\s+d['’]attente|hall|zoning|parcs?|terrains?|rue|avenue|boulevard|chauss[ée]e|place|quartier"
    r"|garage|maison|immeuble|jardin|trottoir|entr[ée]e|commerce|[ée]cole|terrasse|habitation|propri[ée]t[ée]|compteur"
    r"|cimeti[èe]re|piscine|bo[îi]te\s+aux\s+lettres"
)
_PLACE_RE = re.compile(
    rf"(?<![\w])(?P<place>{_PLACE_START}\s*(?:(?:votre|vos|notre|mon|ma|le|la|l['’]|les)\s+)?(?:{_PLACE_NOUNS})\b"
    rf"[^,.;:!?()\n]{{0,60}}?)(?=\s*(?:[,.;:!?()\n]|$|\s(?:{_TITLE}\s|où\s|qui\s|que\s|et\s+(?:j|je|il|elle|on|l|a|ont|est|sont|m|me|ne|n|puis|ensuite|c|le|la|les|un|une"
    rf"|votre|vos|mon|ma|mes|son|sa|ses|ce|cette|personne|rien)\b|a\s+(?:été|[^\W\d_]+[ée]e?s?\b)|ont\s|est\s"
    rf"|mais\s|car\s|sans\s|alors\s|parce\s|puisque\s|pour\s|afin\s|lors\s|quand\s|par\s|avec\s|pendant\s|depuis\s|hier\b|j['’]|je\s|il\s|elle\s|on\s|nous\s|vous\s|le\s+\d|l['’]agent|votre\s+(?:coll|agent|emplo|pr[ée]pos))))",
    re.IGNORECASE,
)
_ROLE = (
    r"coll[èe]gue|agent|agente|employ[ée]e?|conseill[èe]re?|conseiller|gestionnaire|technicien(?:ne)?|responsable"
    r"|pr[ée]pos[ée]e?|collaborat(?:eur|rice)|chef|directeur|directrice|assistante?|secr[ée]taire|guicheti[èe]re?"
    r"|livreur|chauffeur|ouvrier|contr[ôo]leur|contr[ôo]leuse|inspect(?:eur|rice)|m[ée]decin|infirmi[èe]re?|juriste"
    r"|vendeur|vendeuse|commerciale?|caissi[èe]re?|h[ôo]tesse|agent\s+commercial|contrema[îi]tre|releveur|facteur"
    r"|ch(?:ef|effe)\s+de\s+chantier|pr[ée]pos[ée]e?|gardien(?:ne)?|concierge|standardiste|op[ée]rat(?:eur|rice)"
)
_PERSON_RE = re.compile(
    rf"(?:(?i:votre|vos|une?|le|la|l['’]|mon|ma|cette|cet|ce)\s+(?i:{_ROLE})(?:\s+(?:de|du|d['’]|des)\s+[\w'’-]+)?\s*,?\s*)?"
    rf"(?<![\w])(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle)\s*(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD})?)",
)
_SERVICE_CONTACT_RE = re.compile(
    r"(?<![\w])(?:(?:le|au|du|votre|vos|un|une|l['’])\s+)?(?:service\s+(?:client(?:[eè]le)?|technique|facturation|comptabilit[ée]|en\s+charge\s+de\s+(?:mon|ma|mes|notre|votre)\s+\w+|des?\s+\w+|du\s+\w+|d['’]\w+|(?!en\b|à\b|a\b|qui\b|que\b|et\b|ne\b|n['’]|par\b|pour\b|le\b|la\b|les\b|au\b|aux\b|dans\b|sur\b|avec\b|depuis\b|sans\b|mais\b|car\b|m['’]|me\b|mon\b|ma\b)\w+)"
    r"|call[\s-]?cent(?:er|re)|centre\s+d['’]appels?|helpdesk|help\s+desk|standard|accueil|guichet|secr[ée]tariat"
    r"|(?:votre|un|une|l['’]|le|la|au|à\s+la|a\s+la|à\s+l['’])\s*(?:{role})(?:\s+(?:de|du|d['’]|des)\s+[\w'’-]+|\s+[A-Za-zà-ÿ]+(?=\s+(?:veut|a|m['’]|ne|n['’]|qui)))?)".replace("{role}", _ROLE),
    re.IGNORECASE,
)
_CONTACT_VERBS = re.compile(
    r"(?i)\b(?:contact|appel|t[ée]l[ée]phon|[ée]crit|envoy|parl|rencontr|vu|reçu|re[çc]u|rendu|adress|signal|dit|"
    r"expliqu|r[ée]pondu|refus|promis|affirm|inform|joint|mail|veut|voulu|fait|accept|raccroch|vendu|factur)"
)
# "j'ai appelé deux fois le service", "mes courriels restent sans réponse", "je me suis présentée à
# l'accueil": the citizen already went to the organisation (never read as a "no")
_PRIOR_CONTACT_RE = re.compile(
    r"(?i)(?<![\w])(?:j['’]ai\s+(?:d[ée]j[àa]\s+|bien\s+|plusieurs\s+fois\s+|\w+\s+fois\s+)?"
    r"(?:appel[ée]|contact[ée]|t[ée]l[ée]phon[ée]|[ée]crit|envoy[ée]|relanc[ée]|signal[ée]|sollicit[ée]|interpell[ée])"
    r"|je\s+me\s+suis\s+(?:d[ée]j[àa]\s+)?(?:rendu|pr[ée]sent[ée]|adress[ée]|d[ée]plac[ée])"
    r"|(?:mes|plusieurs|deux|trois|nombreux|nombreuses)\s+(?:appels|courriels|e-?mails|mails|courriers|messages|relances|lettres)"
    r"|malgr[ée]\s+(?:mes|deux|trois|plusieurs|de\s+nombreux|mon|ma)\s+(?:appels?|courriels?|e-?mails?|mails?|courriers?|relances?|visites?)"
    r"|jai\s+(?:appele|contacte|telephone|ecrit))"
)
_NO_PRIOR_CONTACT_RE = re.compile(
    r"(?i)\b(?:je\s+n['’]ai\s+(?:pas|jamais|encore)\s+(?:encore\s+)?(?:pu\s+)?(?:appel|contact|t[ée]l[ée]phon|[ée]crit|joint)"
    r"|sans\s+avoir\s+(?:pu\s+)?(?:appel|contact|joint))"
)
_REACH_ME_RE = re.compile(r"(?i)joignable|joindre|contact(?:er|[ée]e?)|rappel(?:er|[ée]e?)|r[ée]pon(?:dre|se|du)"
                          r"|coordonn[ée]es|ou\s*$")
# where facts happened on a line, not in a place: "l'accueil téléphonique", "par courriel"
_CHANNEL_PLACES = (
    (re.compile(r"(?i)\b(?:par|au)\s+t[ée]l[ée]phone\b|t[ée]l[ée]phoniques?\b"), "par téléphone"),
    (re.compile(r"(?i)\bpar\s+(?:courriel|e-?mail|mail)\b"), "par courriel"),
    (re.compile(r"(?i)\b(?:sur\s+(?:votre|le)\s+site|en\s+ligne|sur\s+(?:votre|l['’])\s*(?:application|appli))\b"),
     "en ligne"),
)
_OBJECTIVE_RE = re.compile(
    r"(?i)(?:^|(?<=[.!?\n])|(?<=,)|(?<=\bet\b))\s*(?P<obj>(?:je\s+(?:vous\s+)?(?:demande|veux|voudrais|souhaite|souhaiterais|"
    r"exige|r[ée]clame|sollicite|attends|aimerais|d[ée]sire)|j['’](?:exige|attends|aimerais|esp[èe]re)|"
    r"nous\s+(?:demandons|exigeons|souhaitons|voulons)|merci\s+de|pourriez-vous|pouvez-vous|"
    r"merci\s+d['’](?=[aeéiou])|je\s+vous\s+prie\s+de|jveux|jvoudrais|je\s+voudrai|jaimerais|jexige|jdemande)"
    r"(?:\b|(?<=['’]))(?:(?<=\bM)\.|(?<=\bMme)\.|(?<=\bDr)\.|[^.!?\n]){3,300}[.!?]?)"
)
_NOT_OBJECTIVE = re.compile(
    r"(?i)^(?:je\s+(?:vous\s+)?(?:demande|veux|voudrais|souhaite|souhaiterais|désire|aimerais)|j['’]aimerais|jveux|jvoudrais)"
    r"\s+(?:(?:à|a)\s+)?(?:porter\s+plainte|faire\s+(?:une\s+)?(?:r[ée]clamation|plainte)|d[ée]poser|introduire|me\s+plaindre"
    r"|signaler|vous\s+(?:signaler|informer|faire\s+part)|r[ée]clamer\b(?!\s+(?:le|la|un|une|mon|ma|des|l))"
    r"|savoir\s+(?!si)|vous\s+dire|dire|expliquer|vous\s+expliquer)"
)
_RELATIVES = (r"p[èe]re|m[èe]re|papa|maman|fils|fille|mari|femme|[ée]pouse|[ée]poux|fr[èe]re|s[œo]e?ur|grand-m[èe]re"
              r"|grand-p[èe]re|oncle|tante|voisine?|compagne?|enfant|b[ée]b[ée]|belle-m[èe]re|beau-p[èe]re")
# "mon père c'est Henri Girard", "ma mère, elle s'appelle…": a relative named just before
_RELATIVE_BEFORE = re.compile(rf"(?i)\b(?:mon|ma|notre|son|sa)\s+(?:{_RELATIVES})\s*,?\s*(?:(?:elle|il)\s+)?$")
_THEIR_NAME_RE = re.compile(
    rf"(?i:\b(?:elle|il)\s+s['’]appelle|\b(?:elle|il)\s+se\s+nomme|\bson\s+nom\s+(?:est|c['’]est)"
    rf"|\b(?:mon|ma)\s+(?:{_RELATIVES})\s*,?\s*(?:c['’]est|s['’]appelle|se\s+nomme))\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}})[ .,]*"
)
_GROUP_RE = re.compile(
    r"(?i)\b(?:nous,?\s+(?:les\s+)?(?:habitants|riverains|voisins|locataires|résidents|residents|parents|membres|signataires|soussignés)"
    r"|au\s+nom\s+(?:des|de\s+tous\s+les)\s+(?:habitants|riverains|voisins|locataires|résidents)|les\s+soussign[ée]s"
    r"|p[ée]tition|collectif\s+de|plusieurs\s+(?:habitants|voisins|riverains|familles))\b"
)
_ORG_RE = re.compile(
    r"(?i)\b(?:au\s+nom\s+de\s+(?:la\s+soci[ée]t[ée]|l['’]entreprise|l['’]asbl|l['’]association|notre\s+(?:soci[ée]t[ée]|entreprise|asbl|association|firme|commune|école))"
    r"|(?:en\s+(?:tant\s+que|qualit[ée]\s+de)\s+)(?:g[ée]rant|g[ée]rante|directeur|directrice|administrat(?:eur|rice)|pr[ée]sident|pr[ée]sidente|responsable)"
    r"|notre\s+(?:soci[ée]t[ée]|entreprise|asbl|firme)|pour\s+(?:la\s+soci[ée]t[ée]|l['’]entreprise|notre\s+(?:soci[ée]t[ée]|entreprise|asbl)))"
)
_ORG_FORMS = r"soci[ée]t[ée]|entreprise|association|firme|SPRL|SRL|SCRL|SC|SA|SAS|SARL|EURL|SNC|ASBL|AISBL|VZW|BV|NV"
_ORG_NAMED_RE = re.compile(
    # "je suis la gérante de…", and "je suis Nathalie Dubois, gérante de…" (her name is read apart)
    rf"(?i)\b(?:je\s+suis|en\s+tant\s+que|en\s+qualit[ée]\s+de|je\s+suis\s+(?-i:{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}})\s*,)"
    r"\s+(?:le\s+|la\s+|l['’])?"
    r"(?:g[ée]rante?|directeur|directrice|administrat(?:eur|rice)(?:\s+d[ée]l[ée]gu[ée]e?)?|pr[ée]sidente?|responsable"
    r"|secr[ée]taire|tr[ée]sori[èe]re?|fondat(?:eur|rice)|patronne?|comptable|acheteu(?:r|se)|associ[ée]e?|co-?g[ée]rante?"
    r"|employ[ée]e?|salari[ée]e?|cheffe?|manager|gestionnaire)"
    # "responsable des achats de la société …", "directrice commerciale de …"
    r"(?:\s+(?:des|du|de\s+la|de\s+l['’])\s*[a-zà-ÿ]+|\s+(?:RH|rh|IT|ICT|qualit[ée]|commercial|commerciale|juridique|administratif|administrative"
    r"|technique|financier|financi[èe]re|logistique|d['’]exploitation))?"
    r"\s+(?:de\s+la\s+|de\s+l['’]|du\s+|de\s+|d['’]|chez\s+)"
    rf"(?P<org>(?-i:(?:{_ORG_FORMS})|(?i:soci[ée]t[ée]|entreprise|association|firme))"
    rf"(?-i:\s+[{_UP}][\w&'’-]*(?:\s+(?:(?:du|de|des|la|le|et)\s+)?[{_UP}][\w&'’-]*){{0,3}}))"
)
# "j'écris au nom de l'ASBL Aide à Domicile Forest", "pour le compte de la SPRL Dubois": the organisation named
_ORG_ON_BEHALF_RE = re.compile(
    r"(?i)\b(?:au\s+nom\s+de|pour\s+le\s+compte\s+de|je\s+repr[ée]sente)\s+(?:la\s+|l['’]|le\s+)?"
    rf"(?P<org>(?-i:(?:{_ORG_FORMS})|(?i:soci[ée]t[ée]|entreprise|association|firme))"
    rf"(?-i:\s+[{_UP}][\w&'’-]*(?:\s+(?:(?:du|de|des|la|le|et|à|aux|au|d['’])\s*)?[{_UP}][\w&'’-]*){{0,4}}))"
)
_REPRESENTED_RE = re.compile(
    r"(?i)\b(?:au\s+nom\s+de|pour\s+le\s+compte\s+de|de\s+la\s+part\s+de|pour|je\s+repr[ée]sente)\s+"
    r"(?P<who>(?:ma|mon|mes)\s+(?:m[èe]re|p[èe]re|maman|papa|fils|fille|grand-m[èe]re|grand-p[èe]re|[ée]pouse|mari|femme"
    r"|compagne|compagnon|s[œo]e?ur|fr[èe]re|tante|oncle|parents|voisine?|enfant|cliente?|belle-m[èe]re|beau-p[èe]re)"
    # the name after it is case-sensitive: "ma mère qui a 87 ans" names no one
    r"(?-i:\s*,?\s*(?:M\.|Mme|Madame|Monsieur)?\s*" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r")?)?)"
)
_FIRST_PERSON_RE = re.compile(r"(?i)(?:^|[\s,.(])(?:je|j['’]|moi|mon|ma|mes|m['’]|jai|jsuis|chui|jveux|jvoudrai[st]?"
                              r"|jvoulai[st]?|jme|jne|jsais)\b")
_WE_RE = re.compile(r"(?i)\b(?:nous|notre|nos)\b")
_SUBJECT_RE = re.compile(
    r"(?i)\b(?:objet\s*:\s*|au\s+sujet\s+(?:de\s+|d['’]|du\s+|des\s+)|concernant\s+|à\s+propos\s+(?:de\s+|d['’]|du\s+|des\s+))"
    r"(?P<subject>[^.!?\n,]{3,80})"
)
_SERVICE_RE = re.compile(
    r"(?i)\b(?P<service>(?:mon|ma|notre|du|de\s+mon|de\s+ma|un|une|le|la)\s+(?:contrat|abonnement|forfait|offre|produit|commande|"
    r"carte|assurance|mutuelle|pr[êe]t|cr[ée]dit|location|box|bo[îi]tier|t[ée]l[ée]phone|achat)\s*(?:de\s+|d['’]|du\s+|des\s+|n°[ \t]*\S+[ \t]*)?[\w'’ -]{0,40}?)"
    r"(?=\s*(?:[,.;:!?()\n]|$|\s(?:a\s|a\s+été|est|n['’]|ne\s|qui\s|que\s|depuis|et\s|alors|chez|pour|car|mais"
    r"|le\s|la\s|dans\s|en\s|avec\s|sans\s|au\s|aux\s|il\s|elle\s|m['’])))"
)
_OTHER_COMPANY_RE = re.compile(
    rf"(?:(?i:la\s+soci[ée]t[ée]|l['’]entreprise|la\s+firme|le\s+cabinet|le\s+bureau)\s+"
    rf"|(?i:sous-traitant|installateur|prestataire|courtier|partenaire|mandat[ée])[^.;\n]{{0,40}}?,\s+)"
    rf"(?P<name>[{_UP}][\w+&'’-]*(?:\s+[{_UP}][\w+&'’-]*){{0,2}})"
)
_OTHER_PARTIES_RE = re.compile(
    r"(?i)\b(?:(?:le|la|l['’]|un|une|votre)\s+(?P<role>sous-traitant|installateur|prestataire|transporteur|livreur|fournisseur|"
    r"partenaire|entreprise\s+de\s+\w+)(?:\s+[\w'’-]+){0,3}?)(?=\s*(?:[,.;:!?()\n]|$|\s(?:a\s|est|n['’]|ne\s|qui\s|que\s|et\s"
    r"|(?:nous|vous|me|lui|leur|y|se)\s|[msl]['’])))"  # "votre livreur nous a livré": the role, not "nous"
)


# ------------------------------------------------------------------ result


@dataclass
class Reading:
    """What a message says. `fields` uses contract field names; `date` keeps its precision."""

    fields: dict[str, object] = field(default_factory=dict)
    date: ParsedDate | None = None
    represented: str | None = None      # "ma mère, Mme Jeanne Martin"
    labelled: bool = False              # laid out as a form ("Nom : …")
    identity_block: bool = False        # several identity details were given
    lacks: tuple[str, ...] = ()         # "je n'ai pas d'e-mail": fields the citizen says they do not have


def _mask(text: str, start: int, end: int) -> str:
    """Blank out a span (same length) so later passes do not read it again."""
    return text[:start] + " " * (end - start) + text[end:]


def _tidy(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip(" ,;:-–—\t\n")
    return value.rstrip(".") if not value.endswith("...") else value


# ------------------------------------------------------------------ entry point


def read_message(text: str, *, now: datetime, country: str, tz: str, org_address: str | None = None,
                 org_contacts: tuple[str, ...] = ()) -> Reading:
    """Every detail the message gives clearly. Never raises (a recogniser that fails gives nothing)."""
    reading = Reading()
    if not text or not text.strip():
        return reading
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\u00a0", " ")
    try:
        _read(text, now=now, country=country, tz=tz, org_address=org_address, org_contacts=org_contacts, r=reading)
    except Exception:  # noqa: BLE001 - extraction is a bonus, never break the conversation  # nosec B110
        pass
    return reading


@dataclass
class _Pass:
    """A reading in progress: `work` is the text with what was read blanked out (so that later
    recognisers do not read it again); `identity` the spans holding the complainant's identity."""

    work: str
    identity: list[tuple[int, int]] = field(default_factory=list)
    their_address: tuple[str, int, int] | None = None  # the home of the person the citizen writes for

    def take(self, start: int, end: int, *, identity: bool = False) -> None:
        self.work = _mask(self.work, start, end)
        if identity:
            self.identity.append((start, end))


def _read(text: str, *, now: datetime, country: str, tz: str, org_address: str | None,
          org_contacts: tuple[str, ...] = (), r: Reading) -> None:
    """The recognisers, in an order that matters: each blanks out in `work` what it has read."""
    f = r.fields
    p = _Pass(text)
    _read_mail_header(text, p, f)
    labelled = _read_labelled(p.work, p, r)
    _read_email(p, f, org_contacts)  # first: its digits are neither a phone nor a date
    for m in _COMPLAINT_REF_RE.finditer(p.work):  # ours (IGR-2026-000123): no file, phone or date
        p.take(m.start(), m.end())
    _read_address(p, f, org_address)  # before phones and dates: "8 avenue…, 69007 Lyon" holds numbers
    _read_reference(p, f, _STRONG_REF_RE)  # said as such: "dossier 2026/4471", "client n° 884512"
    _read_phone(p, f, country, org_contacts)
    if "file_reference" not in f:  # weaker ones ("ma demande de prime 2026-0777"), once phones are out
        _read_reference(p, f, _WEAK_REF_RE)
    _read_date(labelled["facts_date"][0] if "facts_date" in labelled else p.work, r, now=now, tz=tz)
    _read_name(text, p, f)
    _read_acting_for(text, p, r)
    _read_facts(p.work, text, f)
    _read_registry_fields(p.work, f)
    r.identity_block = sum(k in f for k in ("last_name", "first_name", "address", "email", "phone")) >= 3
    r.lacks = tuple(key for key, pattern in _LACKS if key not in f and pattern.search(text))
    if "facts_description" not in f:  # the facts part of the message, without the identity block
        description = _facts_part(text, p.identity, f)
        if description:
            f["facts_description"] = description


# a pasted e-mail's header: "De : Martine Jacquet <…>", "Envoyé : vendredi 20 novembre 2026 18:42", "À : …"
_HEADER_LINE_RE = re.compile(r"(?im)^[ \t]*(?P<key>de|from|envoy[ée]|sent|date|à|a|to|cc|objet|subject)[ \t]*:[ \t]*(?P<value>[^\n]*)$")


def _read_mail_header(text: str, p: _Pass, f: dict[str, object]) -> None:
    """The header of a pasted e-mail: when it was sent is not when the facts happened, the sender is the citizen."""
    lines = list(_HEADER_LINE_RE.finditer(text[:600]))
    keys = {fold(m.group("key")) for m in lines}
    if not keys & {"envoye", "sent", "from"} or len(lines) < 2:
        return
    for m in lines:
        key = fold(m.group("key"))
        if key in ("objet", "subject"):
            continue  # the subject is read as a label
        if key in ("de", "from"):
            sender = re.match(rf"\s*(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}})\s*[<\[(]", m.group("value"))
            names = split_full_name(sender.group("name")) if sender else None
            if names:
                f.setdefault("first_name", names[0])
                f.setdefault("last_name", names[1])
            email = find_email(m.group("value"))
            if email:
                try:
                    f.setdefault("email", validate_email(email))
                except FieldError:
                    pass
        p.take(m.start(), m.end(), identity=True)


# "je n'ai pas d'adresse mail", "pas d'e-mail", "je n'ai pas de gsm": the citizen has none
_LACKS = (
    ("email", re.compile(r"(?i)\b(?:je\s+n['’]ai\s+|n['’]ayant\s+|sans\s+|pas\s+|\bni\s+)(?:pas\s+|aucune?\s+|ni\s+)?"
                         r"(?:d['’]|de\s+|d['’]adresse\s+|une?\s+)?(?:adresse\s+)?(?:e-?mail|mail|courriel|internet)\b"
                         # "je n'ai pas de gsm ni d'email"
                         r"|\bn['’]ai\s+(?:pas|ni)\b[^.!?\n]{0,30}\bni\s+(?:d['’]|de\s+)?(?:adresse\s+)?(?:e-?mail|mail|courriel)\b")),
    ("phone", re.compile(r"(?i)\b(?:je\s+n['’]ai\s+|n['’]ayant\s+)(?:pas|aucun|ni)\s+(?:de\s+|d['’])?"
                         r"(?:t[ée]l[ée]phone|gsm|portable|num[ée]ro\s+de\s+t[ée]l[ée]phone)\b"
                         r"|\bn['’]ai\s+(?:pas|ni)\b[^.!?\n]{0,30}\bni\s+(?:de\s+|d['’])?(?:t[ée]l[ée]phone|gsm|portable)\b")),
)


def _read_labelled(text: str, p: _Pass, r: Reading) -> dict[str, tuple[str, int, int]]:
    """"Nom : Martin. Prénom : Claire. Adresse : …": names and free fields kept; the address,
    e-mail, phone and reference are read below from the same text, the date from its value."""
    labelled = _labelled_values(text)
    if len(labelled) >= 2:
        r.labelled = True
    for key, (value, start, end) in labelled.items():
        if key in ("last_name", "first_name"):
            try:
                r.fields[key] = validate_name(value.split(",")[0].strip(" ."), key)
                p.identity.append((start, end))
            except FieldError:
                pass
        elif key in ("address", "email", "phone", "file_reference"):
            p.identity.append((start, end))
        elif key != "facts_date" and len(value) >= 2:
            r.fields[key] = value
            if key == "subject":
                p.identity.append((start, end))  # "Objet : …" heads the letter; it is not the facts
    return labelled


def _read_email(p: _Pass, f: dict[str, object], org_contacts: tuple[str, ...] = ()) -> None:
    """The citizen's e-mail: not the organisation's own, nor one they wrote to ("j'ai écrit à …")."""
    own = {c.lower() for c in org_contacts if "@" in c}
    email = find_email(p.work)
    while email and (idx := p.work.find(email)) >= 0 and (
            email.lower() in own or _WROTE_TO_BEFORE.search(p.work[max(0, idx - 30):idx])):
        p.take(idx, idx + len(email))
        email = find_email(p.work)
    if not email:
        return
    try:
        f["email"] = validate_email(email)
    except FieldError:
        pass
    idx = p.work.find(email)
    if idx >= 0:
        p.take(idx, idx + len(email), identity=True)


# "numéro d'entreprise BE 0456.789.123", "TVA BE0456…", "IBAN BE68 5390…": a company or bank number
_NOT_A_PHONE_BEFORE = re.compile(r"(?i)(?:entreprise|tva|bce|kbo|siren|siret|iban|compte|bic)\b[^\n]{0,12}?(?:\bBE)?\s*[:n°]*\s*$"
                                 r"|\bBE\s*$")
_WROTE_TO_BEFORE = re.compile(r"(?i)\b(?:[ée]crit|envoy[ée]|adress[ée]|r[ée]pondu|transf[ée]r[ée])\s+(?:un\s+(?:e-?)?mail\s+)?(?:à|a|au)\s*$")
# "j'ai appelé le 071 20 28 11", "j'ai téléphoné au 0800…": a number the citizen called, not theirs
_CALLED_BEFORE = re.compile(r"(?i)\b(?:appel[ée]e?|t[ée]l[ée]phon[ée]e?|compos[ée]e?|form[ée]e?)(?:\s+[\w.'’-]+){0,3}?\s+(?:le|au|à|a)\s*$")


# "ma mère … Elle habite rue des Alliés 12 à 6000 Charleroi": someone else's home, not the citizen's
_THEIR_HOME_BEFORE = re.compile(
    r"(?i)\b(?:elle|il|elles|ils|qui)\s+(?:habite(?:nt)?|vit|vivent|r[ée]side(?:nt)?|est\s+domicili[ée]e?|sont\s+domicili[ée]e?s)"
    r"\b[^.!?\n]{0,12}$")


def _read_address(p: _Pass, f: dict[str, object], org_address: str | None) -> None:
    address = _find_address(p.work, org_address)
    while address and p.their_address is None and _THEIR_HOME_BEFORE.search(
            p.work[max(0, address[1][0] - 50):address[1][0]]):
        value, (start, end) = address
        p.their_address = (value, start, end)  # kept with the person represented, if one is named
        p.take(start, end)
        address = _find_address(p.work, org_address)  # the citizen's own may follow
    if address:
        value, (start, end) = address
        lived = _LIVES_IN_COUNTRY.search(p.work[max(0, start - 60):start])
        if lived and fold(lived.group(1)) not in fold(value):
            value += f", {lived.group(1).capitalize()}"  # "j'habite en France, 12 rue Nationale, 59000 Lille"
        f["address"] = value
        p.take(start, end, identity=True)


_LIVES_IN_COUNTRY = re.compile(
    r"(?i)\b(?:j['’]?habite|je\s+vis|je\s+r[ée]side|domicili[ée]e?|install[ée]e?)\s+(?:maintenant\s+)?(?:en|au|aux)\s+"
    r"(france|espagne|italie|allemagne|suisse|maroc|alg[ée]rie|tunisie|turquie|pologne|roumanie|portugal|irlande"
    r"|autriche|gr[èe]ce|pays-bas|luxembourg|royaume-uni)\b[^.\n]{0,20}$")


def _read_reference(p: _Pass, f: dict[str, object], pattern: re.Pattern[str]) -> None:
    ref = _find_reference(p.work, pattern)
    if ref:
        f["file_reference"], (start, end) = ref
        p.take(start, end)


def _read_phone(p: _Pass, f: dict[str, object], country: str, org_contacts: tuple[str, ...]) -> None:
    """The first phone that is not the organisation's own number, quoted (a Belgian landline
    phonenumbers calls "possible" is still a phone after "tél")."""
    org_digits = {re.sub(r"\D", "", n)[-8:] for n in org_contacts if n and "@" not in n}
    phone = _find_phone(p.work, country)
    while phone and (re.sub(r"\D", "", phone[0])[-8:] in org_digits
                     or _CALLED_BEFORE.search(p.work[max(0, phone[1][0] - 40):phone[1][0]])
                     or _NOT_A_PHONE_BEFORE.search(p.work[max(0, phone[1][0] - 30):phone[1][0]])):
        p.take(*phone[1])
        phone = _find_phone(p.work, country)
    if phone:
        f["phone"], (start, end) = phone
        p.take(start, end, identity=True)


def _read_date(date_text: str, r: Reading, *, now: datetime, tz: str) -> None:
    """The date of the facts, not a future one ("aujourd'hui" is when they write, rarely when it happened)."""
    def the_next(parsed: ParsedDate) -> ParsedDate | None:  # the date said after this one
        idx = date_text.find(parsed.text)
        return find_date(_mask(date_text, idx, idx + len(parsed.text)), now=now, tz=tz) if idx >= 0 else None

    parsed = find_date(date_text, now=now, tz=tz)
    if parsed is not None and fold(parsed.text) in ("aujourd'hui", "ce jour"):
        parsed = the_next(parsed)  # "je vous écris aujourd'hui car le 3 novembre…": when they write
    if parsed is not None and parsed.precision == "year":  # "client depuis 2019, … le 12 octobre 2026": the day
        later = the_next(parsed)
        if later is not None and later.precision != "year":
            parsed = later
    if parsed is not None and fold(parsed.text) not in ("aujourd'hui", "ce jour"):
        earliest, _ = parsed.bounds()
        if earliest <= local_today(now, tz):
            r.date = parsed
            r.fields["facts_date"] = parsed.value.isoformat()


def _read_name(text: str, p: _Pass, f: dict[str, object]) -> None:
    if "last_name" in f and "first_name" in f:
        return
    name = _find_name(text)
    if name:
        (first, last), span = name
        if first:
            f.setdefault("first_name", first)
        f.setdefault("last_name", last)
        p.identity.append(span)


def _read_acting_for(text: str, p: _Pass, r: Reading) -> None:
    represented = _REPRESENTED_RE.search(text)
    if represented:
        r.represented = _tidy(represented.group("who"))
        named = _THEIR_NAME_RE.search(text)
        if named and not re.search(r"[A-ZÀ-Ý]", r.represented[3:]):  # "ma mère … Elle s'appelle Jeanne Lambert."
            r.represented += f", {named.group('name')}"
            p.identity.append((named.start(), named.end()))
        if p.their_address:
            value, start, end = p.their_address
            r.represented += f", {value}"
            p.identity.append((start, end))
    named = _ORG_NAMED_RE.search(p.work)
    on_behalf = None if named else _ORG_ON_BEHALF_RE.search(p.work)
    found = named or on_behalf
    if found and not _GROUP_RE.search(text):  # "je suis le gérant de la SPRL Dubois Construction"
        r.represented = _tidy(found.group("org"))
        r.fields["acting_for"] = "organisation"
        # "je suis la gérante de …" is the identity block; "j'écris au nom de l'ASBL …" stays in the account
        p.take(found.start(), found.end(), identity=named is not None)
    elif _GROUP_RE.search(text):
        r.fields["acting_for"] = "group"
    elif _ORG_RE.search(text):
        r.fields["acting_for"] = "organisation"
    elif _FIRST_PERSON_RE.search(text) and not _WE_RE.search(fold(text)):
        r.fields["acting_for"] = "self"


def _read_facts(work: str, text: str, f: dict[str, object]) -> None:
    """The place, the persons contacted, an earlier contact and the objective, unless a label gave them."""
    if "facts_place" not in f:
        place = _find_place(work) or _channel_place(work)
        if place:
            f["facts_place"] = place
    if _PRIOR_CONTACT_RE.search(work) and not _NO_PRIOR_CONTACT_RE.search(work):
        f["prior_contact"] = True
    if "persons_contacted" not in f:
        persons = _find_persons(work, f)
        if persons:
            f["persons_contacted"] = persons
    if "objective" not in f:
        objective = _find_objective(text)
        if objective:
            f["objective"] = objective


def _read_registry_fields(work: str, f: dict[str, object]) -> None:
    """The plan's registry fields: subject, service concerned, other parties."""
    if "subject" not in f:
        subject = _SUBJECT_RE.search(work)
        if subject and not re.match(r"(?i)\s*(?:d['’]une|d'un|de\s+la|de\s+ma|ma\s+r[ée]clamation)",
                                    subject.group("subject")):
            f["subject"] = _tidy(subject.group("subject"))
    if "service_concerned" not in f:
        service = _SERVICE_RE.search(work)
        if service:
            f["service_concerned"] = _tidy(service.group("service"))
    if "other_parties" not in f:
        companies = [c.group("name") for c in _OTHER_COMPANY_RE.finditer(work)]
        party = _OTHER_PARTIES_RE.search(work)
        if companies:
            f["other_parties"] = ", ".join(dict.fromkeys(companies))
        elif party:
            f["other_parties"] = _tidy(party.group(0))


# ------------------------------------------------------------------ recognisers


def _labelled_values(text: str) -> dict[str, tuple[str, int, int]]:
    """{field: (value, start, end)} of a form layout; the value runs to the next label."""
    matches = list(_LABEL_RE.finditer(text))
    out: dict[str, tuple[str, int, int]] = {}
    for i, m in enumerate(matches):
        key = next(k for k, _ in _LABELS if m.group(k))
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end():end]
        if key in _ONE_LINE_LABELS:
            value = value.split("\n")[0]
            end = m.end() + len(value)
        elif i + 1 == len(matches) and key != "facts_description" and "\n\n" in value.strip():
            value = value.strip().split("\n\n")[0]  # the last label ends at a blank line (then the letter)
            end = text.find(value, m.end()) + len(value)
        value = _tidy(value)
        if value and key not in out:
            out[key] = (value, m.start(), end)
    return out


def _find_address(work: str, org_address: str | None) -> tuple[str, tuple[int, int]] | None:
    org = fold(org_address or "")
    best = None
    for m in _ADDRESS_RE.finditer(work):
        street = _tidy(m.group("street"))
        town_words: list[str] = []
        said = m.group("town").split()
        for i, w in enumerate(said):
            nxt = said[i + 1] if i + 1 < len(said) else ""
            inside = fold(w) in _TOWN_PARTICLES and nxt[:1].isupper() and fold(nxt).strip(".,") not in _TOWN_STOP
            if fold(w).strip(".,") in _TOWN_STOP and not (town_words and inside):  # "Braine le Comte"
                break
            town_words.append(w)
        if not town_words:
            continue
        town = " ".join(town_words).rstrip(".,")
        postcode = re.sub(r"\s+", "", m.group("postcode")) if not re.search(r"[A-Z]{2}$", m.group("postcode")) \
            else m.group("postcode")
        value = f"{street}, {postcode} {town}"
        if m.group("country") and town_words == m.group("town").split():
            value += f", {m.group('country')}"
        end = m.start("town") + len(town)
        if m.group("country"):
            end = max(end, m.end("country"))
        before = fold(work[max(0, m.start() - 40):m.start()], keep_length=True)  # keeps "vis " whole
        if org and fold(street) in org:
            continue  # the organisation's own address ("vos bureaux, boulevard Mayence 1, 6000 Charleroi")
        if re.search(r"(?:vos|votre|nos)\s+(?:bureaux|siege|agence|locaux|guichet)\s*,?\s*$", before):
            continue
        candidate = (value, (m.start(), end))
        if re.search(r"(?:habite|domicili|demeurant|reside|residant|adresse|vis |j'habite|domicile)", before):
            return candidate
        best = best or candidate
    return best


def _find_reference(work: str, pattern: re.Pattern[str]) -> tuple[str, tuple[int, int]] | None:
    for m in pattern.finditer(work):
        ref = m.group("ref").rstrip(".")
        after = work[m.end("ref"):m.end("ref") + 12].lower()
        if re.match(r"\s*(?:€|euros?|eur\b|ans?\b|jours?\b|mois\b|h\b|km\b|m2|m²|%)", after):
            continue
        digits = re.sub(r"\D", "", ref)
        if len(ref) < 3 or (not re.search(r"[A-Za-z/.-]", ref) and len(digits) < 3):
            continue
        if re.fullmatch(r"\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?", ref) or re.fullmatch(r"(?:19|20)\d{2}", ref):
            continue  # a date or a year
        return ref, (m.start("ref"), m.end("ref"))
    return None


_PHONE_CUE = re.compile(r"(?i)(?:t[ée]l|gsm|portable|mobile|fixe|num[ée]ro|joindre|joignable|appel|contact|whatsapp|\+\d)")


def _find_phone(work: str, country: str) -> tuple[str, tuple[int, int]] | None:
    for leniency in (phonenumbers.Leniency.VALID, phonenumbers.Leniency.POSSIBLE):
        for region in dict.fromkeys([country, "BE", "FR", "NL", "LU"]):
            for match in phonenumbers.PhoneNumberMatcher(work, region, leniency=leniency):
                raw = match.raw_string
                digits = re.sub(r"\D", "", raw)
                if len(digits) < 9 or re.fullmatch(r"(?:19|20)\d{2}[-/.]\d+", raw):
                    continue
                if leniency == phonenumbers.Leniency.POSSIBLE:
                    before = work[max(0, match.start - 30):match.start]
                    if not _PHONE_CUE.search(before + raw[:1]) and not raw.startswith(("0", "+")):
                        continue
                    if not raw.startswith(("0", "+")):
                        continue
                number = match.number
                if region != country and not raw.startswith(("+", "00")):
                    continue  # a national number of another country needs its prefix
                return (phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                        (match.start, match.end))
    return None


_NAME_INTRO_RE = re.compile(
    r"(?i)(?:je\s+m['’ ]?appel(?:le|e|l)?|je\s+me\s+nomme|je\s+soussign[ée]e?|mon\s+nom(?:\s+complet)?\s+(?:est|c['’]est)|moi\s+c['’]est"
    r"|jm['’]appelle|jmappelle|je\s+suis|ici|c['’]est)\s+"
)
_SIGNATURE_RE = re.compile(
    rf"(?i)(?:{_CLOSINGS})[\s,.!]*\n?\s*(?:{_TITLE}\s+)?(?P<sig>(?:{_NAME_WORD}|[a-zà-ÿ]+)(?:[ \t]+(?:{_NAME_WORD}|[a-zà-ÿ]+)){{1,3}})[ \t]*[.,]?[ \t]*(?:\n|$|(?=[\w.+-]+@|\+?\d[\d .]{{7,}}))"
)
_TITLED_NAME_RE = re.compile(
    rf"^\s*(?:{_GREETINGS}[\s,!.]*)?(?:{_TITLE})\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})\s*[,.(\n]"
)
_GREETING_NAME_RE = re.compile(
    rf"^\s*(?i:{_GREETINGS})[\s,!.]+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})\s*(?:[,.(\n]|\s+-\s)"
)
# a signature block: a line with only a name, followed by contact lines (or the end)
_SIG_LINE_RE = re.compile(
    rf"(?m)^[ \t]*(?:{_TITLE}\s+)?(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,3}})[ \t]*[.,]?[ \t]*$"
)
# "… Je voudrais être remboursée. Nadia Benali": a name as the last sentence, signed on the same line
_LAST_SENTENCE_NAME_RE = re.compile(
    rf"[.!?]\s+(?:{_TITLE}\s+)?(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,2}})[ \t]*\.?\s*$"
)
# "… Antoine Leroy, 06 98 76 54 32, …": a name right before the contact details
_NAME_BEFORE_CONTACT_RE = re.compile(
    rf"(?:^|[.!?\n]\s*|,\s*)(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,2}}|[a-zà-ÿ]{{2,}}[ \t]+[a-zà-ÿ-]{{2,}})"
    rf"\s*[,(–—.-]?\s*(?=(?:\+|0)\d[\d .]{{7,}}|[\w.+-]+@|(?i:{_STREET_TYPES})\s[^,\n]{{2,40}}?\d{{1,4}}\b[^\n]{{0,12}}?\d{{4,5}}\s"
    # "Claire Moreau, 8 rue Victor Hugo, 69002 Lyon": the French order, number first
    rf"|\d{{1,4}}(?:\s?(?:bis|ter))?,?\s(?i:{_STREET_TYPES})\s[^\n]{{2,40}}?\d{{5}}\s)"
)


_SMS_NAME_RE = re.compile(
    r"(?i)\b(?:j(?:e\s+)?suis|chui|jmappelle|jm'appelle|moi\s+c\s*'?est|c\s*'?est|ici)\s+(?P<first>[a-zà-ÿ][a-zà-ÿ'-]+)\s+(?P<last>[a-zà-ÿ][a-zà-ÿ'-]+)"
    r"(?=\s*(?:[,.;!?(\n]|$|\d|\s(?:j|jhabite|j'habite|habite|et|mon|ma|mail|tel|de|du|à|a|au|domicili\w*)\b))"
)
_NOT_A_FIRST_NAME = {
    "pas", "tres", "vraiment", "mecontent", "mecontente", "decu", "decue", "client", "cliente", "une", "un", "le", "la",
    "en", "au", "a", "alle", "allee", "venu", "venue", "tellement", "super", "hyper", "trop", "furieux", "furieuse",
    "deja", "encore", "toujours", "bien", "ici", "assez", "plus", "extremement", "outre", "choque", "choquee",
    "sa", "son", "ses", "leur", "votre", "vos", "fille", "fils", "mere", "pere", "epouse", "mari", "voisin", "voisine",
    "souvent", "parfois", "rarement", "jamais", "chez", "la-bas", "absent", "absente", "malade", "seul", "seule",
    "handicape", "handicapee", "age", "agee", "pensionne", "pensionnee", "oblige", "obligee", "sure", "sur", "certain",
    "certaine", "desole", "desolee", "dans", "sans", "presque", "aussi", "moi-meme",
    # a job said after "je suis" ("je suis gestionnaire RH de la société…"), not a name
    "gestionnaire", "responsable", "directeur", "directrice", "gerant", "gerante", "employe", "employee", "comptable",
    "secretaire", "assistant", "assistante", "infirmier", "infirmiere", "technicien", "technicienne", "agent",
    "chef", "cheffe", "president", "presidente", "administrateur", "administratrice", "delegue", "deleguee",
    # "je suis française mais j'habite en Belgique": a nationality, and a conjunction, not a name
    "mais", "donc", "car", "ou", "et", "belge", "francais", "francaise", "marocain", "marocaine", "algerien",
    "algerienne", "tunisien", "tunisienne", "turc", "turque", "italien", "italienne", "espagnol", "espagnole",
    "portugais", "portugaise", "polonais", "polonaise", "roumain", "roumaine", "congolais", "congolaise",
    "neerlandais", "neerlandaise", "allemand", "allemande", "anglais", "anglaise", "americain", "americaine",
    "etranger", "etrangere", "europeen", "europeenne", "luxembourgeois", "luxembourgeoise", "suisse",
    "residente", "resident", "domicilie", "domiciliee", "nee", "ne", "mariee", "veuf", "veuve",
    "retraite", "retraitee", "enceinte", "chomeur", "chomeuse", "etudiant", "etudiante", "locataire", "proprietaire",
}


# words of a sentence, not of a name ("merci de me rappeler" signs nothing); particles start no name
_PARTICLES = {"de", "d", "du", "des", "la", "le", "van", "von", "den", "der"}
_NOT_IN_A_NAME = (_NOT_A_FIRST_NAME - _PARTICLES) | {
    "me", "m", "pour", "vous", "nous", "les", "et", "mon", "ma", "mes", "aux", "ce", "cette", "se",
    "ne", "par", "sur", "avec", "qui", "que", "rappeler", "repondre", "aider", "avance",
}

_Name = tuple[tuple[str, str], tuple[int, int]]  # (first, last), span in the text


def _find_name(text: str) -> _Name | None:
    """The complainant's name, from the first of these ways of giving it that the text uses."""
    for find in (_sms_name, _introduced_name, _greeting_or_titled_name, _name_after_closing,
                 _signature_line_name, _name_as_last_sentence, _name_before_contact):
        found = find(text)
        if found:
            return found
    return None


def _sms_name(text: str) -> _Name | None:
    """"jsuis marie dupont", "c'est paul martin": a full name typed in lower case."""
    m = _SMS_NAME_RE.search(text)
    if not m or not m.group("first").islower():
        return None
    if fold(m.group("first")) in _NOT_A_FIRST_NAME or fold(m.group("last")) in _NOT_A_FIRST_NAME:
        return None
    try:
        first = validate_name(m.group("first").capitalize(), "first_name")
        last = validate_name(m.group("last").capitalize(), "last_name")
    except FieldError:
        return None
    return (first, last), (m.start(), m.end())


def _introduced_name(text: str) -> _Name | None:
    """"je m'appelle…", "mon nom est…", "ici…": up to the end of the clause."""
    m = _NAME_INTRO_RE.search(text)
    while m and _RELATIVE_BEFORE.search(text[max(0, m.start() - 40):m.start()]):
        m = _NAME_INTRO_RE.search(text, m.end())  # "mon père c'est Henri Girard": not the citizen's name
    if m and re.match(r"(?i)(?:sa|son|ses|leur|la|le|l['’]|un|une|votre|vos|très|tres|pas|en|à|a|au)\s", text[m.end():]):
        m = _NAME_INTRO_RE.search(text, m.end())  # "je suis sa fille, Françoise Dewit": not a name yet
    if not m:
        return None
    said = text[m.start():m.start() + 120]
    # "jm'appelle", "je m appel", "je soussigné": said as "je m'appelle"; "ici" as "je suis" (its own checks)
    said = re.sub(r"(?i)^(?:jm['’]?appelle|je\s+m['’ ]?appel(?:le|e|l)?|je\s+soussign[ée]e?)\s+", "je m'appelle ", said)
    names = split_full_name(re.sub(r"(?i)^ici\s+", "je suis ", said))
    return (names, (m.start(), _clause_end(text, m.end()))) if names else None


def _greeting_or_titled_name(text: str) -> _Name | None:
    """"Bonjour, Claire Martin." or "Mme Claire Martin," at the start of the message."""
    for pattern in (_GREETING_NAME_RE, _TITLED_NAME_RE):
        m = pattern.search(text)
        if m and not re.match(r"(?i)(?:monsieur|madame)\b", m.group("name")):
            names = split_full_name(m.group("name"))
            if names:
                return names, (m.start("name"), m.end("name"))
    return None


def _name_after_closing(text: str) -> _Name | None:
    """"Cordialement, Claire Martin": the name after the last closing formula."""
    sigs = list(_SIGNATURE_RE.finditer(text.rstrip()))
    if not sigs:
        return None
    m = sigs[-1]
    words = [fold(w) for w in m.group("sig").split()]
    if words[0] in _NOT_IN_A_NAME | _PARTICLES or "'" in words[0] or any(w in _NOT_IN_A_NAME for w in words):
        return None  # "merci de me rappeler", "merci pour votre aide"; "Jean de la Fontaine" signs
    names = split_full_name(_capitalised(m.group("sig").split()))
    return (names, (m.start("sig"), m.end("sig"))) if names else None


_LEGAL_FORM_RE = re.compile(r"\b(?:SA|SRL|SPRL|SPRLU|ASBL|SARL|SAS|SASU|EURL|SNC|SC|SCRL|SCS|NV|BV|BVBA|VZW|BTP|GmbH|Sàrl)\b")


def _signature_line_name(text: str) -> _Name | None:
    """A line holding only a name, near the end."""
    for m in reversed(list(_SIG_LINE_RE.finditer(text, max(0, len(text) - 400)))):
        if fold(m.group("name").split()[0]) in _NOT_A_FIRST_NAME or _LEGAL_FORM_RE.search(m.group("name")):
            continue  # "Martin BTP", "SRL Dubois Jardins": the company under the name, not the name
        names = split_full_name(m.group("name"))
        if names:
            return names, (m.start("name"), m.end("name"))
    return None


def _name_as_last_sentence(text: str) -> _Name | None:
    m = _LAST_SENTENCE_NAME_RE.search(text.rstrip())
    if not m:
        return None
    words = m.group("name").split()
    if any(fold(w) in _NOT_A_FIRST_NAME or fold(w) in _TOWN_STOP or re.fullmatch(_CLOSINGS, fold(w))
           or fold(w) in _NOT_A_NAME_AT_THE_END for w in words):
        return None
    names = split_full_name(m.group("name"))
    return (names, (m.start("name"), m.end("name"))) if names else None


# capitalised last words that are no signature ("… Merci Beaucoup.", "… Bonne Journée")
_NOT_A_NAME_AT_THE_END = {"merci", "beaucoup", "bonne", "journee", "soiree", "urgent", "svp", "stp", "help",
                          "aidez", "moi", "igretec", "solidaris", "proximus", "bruxelles", "charleroi"}


def _name_before_contact(text: str) -> _Name | None:
    """"… Antoine Leroy, 06 98 76 54 32, …": a name right before the contact details."""
    for m in reversed(list(_NAME_BEFORE_CONTACT_RE.finditer(text))):
        words = m.group("name").split()
        titled = fold(words[0]).rstrip(".") in ("mme", "mr", "m", "mlle", "madame", "monsieur", "mademoiselle")
        words = words[1:] if titled else words
        if not words or any(fold(w) in _NOT_A_FIRST_NAME or fold(w) in _TOWN_STOP for w in words):
            continue
        if titled and len(words) == 1:  # "Mme Hanotiau 0477…": the last name only
            try:
                return ("", validate_name(words[0].capitalize() if words[0].islower() else words[0])), \
                    (m.start("name"), m.end("name"))
            except FieldError:
                continue
        names = split_full_name(_capitalised(words))
        if names:
            return names, (m.start("name"), m.end("name"))
    return None


def _capitalised(words: list[str]) -> str:
    """The words joined, those typed all in lower case capitalised ("claire Martin" -> "Claire Martin")."""
    return " ".join(w.capitalize() if w.islower() else w for w in words)


def _clause_end(text: str, start: int) -> int:
    m = re.compile(r"[,.;!?\n(]").search(text, start)
    return m.start() if m else len(text)


# "ça s'est passé à Saint-Gilles", "je suis allé à Charleroi": a town after a verb of happening or going
_EVENT_TOWN = r"(?P<town>[A-ZÀ-ÖØ-Þ][\w'-]*(?:\s[A-ZÀ-ÖØ-Þ][\w'-]*)*)"
_EVENT_AT_TOWN_RE = re.compile(
    r"(?i:\b(?:pass[ée]e?s?|arriv[ée]e?s?|produit|produite|d[ée]roul[ée]e?s?|survenue?s?|rendue?s?|all[ée]e?s?"
    r"|trouvais|c'[ée]tait)\s+(?:\w+\s+){0,2}?(?:à|a)\s+)" + _EVENT_TOWN
)
# a capitalised word after "à" that is not a town: a person's title, a pronoun, a month, a day
_NOT_TOWN_FIRST = {
    "Monsieur", "Madame", "Mademoiselle", "Mme", "Mlle", "M", "Mr", "Maître", "Docteur", "Dr", "Je", "Il",
    "Elle", "Nous", "Vous", "On", "Un", "Une", "Ce", "Cette", "Mon", "Ma", "Mes", "Votre", "Noël", "Pâques",
    "Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre", "Octobre",
    "Novembre", "Décembre", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche",
}
_NOT_TOWN_ALONE = {"Le", "La", "Les", "L"}


def _event_town(work: str) -> str | None:
    for m in _EVENT_AT_TOWN_RE.finditer(work):
        town = m.group("town").rstrip(".,;:!?'-")
        words = town.split()
        if words[0].split("-")[0] in _NOT_TOWN_FIRST or (len(words) == 1 and town in _NOT_TOWN_ALONE):
            continue
        return town
    return None


_HOME_RE = re.compile(r"(?i)(?<![\w])(?:chez\s+moi|à\s+(?:mon|notre)\s+domicile|a\s+(?:mon|notre)\s+domicile)(?![\w])")


# "…ma clôture hier rue de la Station à Gosselies": a street named without a preposition (not the home address:
# no postcode follows; `_find_place` skips one after "j'habite")
_BARE_STREET_RE = re.compile(
    r"(?<![\w])(?P<place>(?i:rue|avenue|boulevard|chauss[ée]e|place"
    r"|chemin|all[ée]e|route|quai|square|impasse)\s+(?i:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’])?"
    r"[A-ZÀ-Ý][\w'’-]++(?:\s+[A-ZÀ-Ý][\w'’-]++)*(?:\s+\d{1,4}[a-zA-Z]?(?:/\d{1,3})?)?+"
    r"(?:\s+(?i:à|a)\s+[A-ZÀ-Ý][\w'’-]++)?+)(?!\s*,?\s*\d)"
)


# the town said just after the place, past a date: "au guichet hier à Charleroi"
_TOWN_AFTER_PLACE_RE = re.compile(
    r"\s+(?i:hier|avant-hier|aujourd['’]hui|ce\s+matin|cet\s+apr[èe]s-midi|la\s+semaine\s+(?:derni[èe]re|pass[ée]e)"
    r"|le\s+\d{1,2}(?:/\d{1,2}|\s+[a-zéû]+)?)?\s*,?\s+(?:à|a)\s+" + _EVENT_TOWN)


_HOME_WORDS_BEFORE = re.compile(r"(?i)\b(?:habite|domicili[ée]e?|vis|demeurant|r[ée]side|locataire|propri[ée]taire|adresse)\b[^.!?\n]*$")


def _find_place(work: str) -> str | None:
    home = _HOME_RE.search(work)
    for m in _PLACE_RE.finditer(work):
        if home and home.start() < m.start():
            break
        place = _tidy(m.group("place"))
        low = fold(place)
        if re.match(r"(?:en|a|au)\s+(?:ce|cette|mon|ma)\s", low) or len(place) < 5:
            continue
        if re.match(r"en\s+(?:service|rue)\b", low):
            continue
        town = _TOWN_AFTER_PLACE_RE.match(work, m.end())
        if town and not re.search(r"[A-ZÀ-Ý]", place) and town.group("town").split()[0] not in _NOT_TOWN_FIRST:
            place = f"{place} à {town.group('town').rstrip('.,;:!?-')}"  # "au guichet hier à Charleroi"
        return place
    if home:
        return _tidy(home.group(0))
    for street in _BARE_STREET_RE.finditer(work):
        if not _HOME_WORDS_BEFORE.search(work[max(0, street.start() - 30):street.start()]):
            return _tidy(street.group("place"))
    return _event_town(work)


def _channel_place(work: str) -> str | None:
    """"Par téléphone", "par courriel", "en ligne" when the facts happened there and only there."""
    found = [place for pattern, place in _CHANNEL_PLACES
             if any(not _REACH_ME_RE.search(work[max(0, m.start() - 40):m.start()]) for m in pattern.finditer(work))]
    return found[0] if len(found) == 1 else None


# "mon voisin M. Pirard": someone the complaint is about, not a member of staff the citizen contacted
_THIRD_PARTY_BEFORE = re.compile(
    r"(?i)\b(?:mon|ma|mes|notre|nos)\s+(?:voisin|voisine|voisins|propri[ée]taire|locataire|bailleur|fils|fille|mari"
    r"|femme|[ée]poux|[ée]pouse|p[èe]re|m[èe]re|fr[èe]re|s(?:oe|œ)ur|ami|amie|cousin|cousine|ex|avocat|avocate|notaire)"
    r"\s*,?\s*$")
_WISH_BEFORE = re.compile(r"(?i)\b(?:souhaite|souhaiterais|veux|voudrais|demande|exige|aimerais|j['’]attends)\b")


def _find_persons(work: str, f: dict[str, object]) -> str | None:
    own = {fold(str(f.get("last_name") or "")), fold(str(f.get("first_name") or ""))}
    found: list[str] = []
    for m in _PERSON_RE.finditer(work):
        name = m.group("name")
        if fold(name.split()[0]) in own or fold(name) in ("monsieur", "madame"):
            continue
        if re.search(r"(?i)madame,?\s+monsieur|monsieur,?\s+madame", work[max(0, m.start() - 12):m.end()]):
            continue
        if _THIRD_PARTY_BEFORE.search(work[max(0, m.start() - 30):m.start()]):
            continue
        if _WISH_BEFORE.search(_SENTENCE_END.split(work[max(0, m.start() - 60):m.start()])[-1]):
            continue  # "je souhaite parler à M. Leroy": whom the citizen asks for, not whom they met
        found.append(_tidy(m.group(0)))
    for m in _SERVICE_CONTACT_RE.finditer(work):
        around = work[max(0, m.start() - 60):m.end() + 30]
        if not _CONTACT_VERBS.search(around):
            continue
        if _WISH_BEFORE.search(_SENTENCE_END.split(work[max(0, m.start() - 60):m.start()])[-1]):
            continue  # "je souhaite parler à un responsable": what the citizen asks, not who they met
        value = _tidy(m.group(0))
        if len(value) < 5 or any(fold(value) in fold(x) or fold(x) in fold(value) for x in found):
            continue
        found.append(value)
    return ", ".join(dict.fromkeys(found)) if found else None


# "merci de me rappeler", "je souhaite recevoir votre réponse par courrier": how to answer, not what is asked
_HOW_TO_ANSWER = re.compile(
    r"(?i)^(?:merci\s+de|je\s+(?:vous\s+)?(?:souhaite|voudrais|demande|aimerais|pr[ée]f[èe]re)|j['’]aimerais|pourriez-vous"
    r"|pouvez-vous)\s+(?:bien\s+vouloir\s+)?(?:me\s+(?:rappeler|recontacter|contacter|r[ée]pondre|tenir\s+au\s+courant"
    r"|t[ée]l[ée]phoner|joindre|[ée]crire)|[êe]tre\s+(?:rappel[ée]e?|contact[ée]e?|recontact[ée]e?|tenue?\s+au\s+courant)"
    r"|recevoir\s+(?:votre|la|une)\s+r[ée]ponse)\b")


def _find_objective(text: str) -> str | None:
    candidates: list[str] = []
    how_to_answer: list[str] = []
    for m in _OBJECTIVE_RE.finditer(text):
        obj = _tidy(m.group("obj"))
        if _NOT_OBJECTIVE.match(obj) or len(obj.split()) < 3:
            continue
        (how_to_answer if _HOW_TO_ANSWER.match(obj) else candidates).append(obj)
    if candidates:
        return candidates[-1]
    # "merci de me rappeler svp 0472 11 22 33 Sandra": the wish alone, without the number and the name
    return _tidy(re.split(r"\s(?:au\s+)?\+?\d[\d ./-]{6,}", how_to_answer[-1])[0]) if how_to_answer else None


_IDENTITY_WORDS = re.compile(
    r"(?i)\b(?:bonjour|bonsoir|salut|slt|hello|madame|monsieur|je\s+m['’]appelle|je\s+suis|j['’]habite|habite|domicili[ée]e?"
    r"|mon\s+(?:mail|e-?mail|adresse|num[ée]ro|t[ée]l[ée]phone|gsm|tel|portable)|ma\s+(?:adresse|ligne)|mail|e-?mail"
    r"|t[ée]l\.?|t[ée]l[ée]phone|gsm|joignable|au|à|a|et|c['’]est|est|le|la|l['’]|mon|ma|mes|de|du|des|d['’]|ou|par|sur"
    r"|vous\s+pouvez\s+me\s+joindre|me\s+joindre|contact|coordonn[ée]es|nom|pr[ée]nom|adresse|cordialement|merci|ici|moi|je"
    r"|m['’]|n['’]h[ée]sitez\s+pas|joindre|num[ée]ro)\b"
)


# a sentence ends at . ! ? but not after "M." or "Mme." ("mon voisin M. Pirard dépose…")
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bM\.)(?<!\bMr\.)(?<!\bMme\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bMe\.)\s+|\n+")
# "écrivez-moi au …", "répondez-moi par courrier": how to reach the citizen, not the facts
_REACH_ME_SENTENCE = re.compile(r"(?i)\b(?:[ée]crivez|r[ée]pondez|envoyez|contactez|appelez|joignez)[-\s]+(?:moi|nous)\b")


def _is_the_objective(sentence: str, objective: object) -> bool:
    """The sentence that is only the objective already taken ("Je demande le remboursement.")."""
    if not isinstance(objective, str) or len(objective) < 12:
        return False
    said = re.sub(r"\W+", " ", sentence).strip().lower()
    wanted = re.sub(r"\W+", " ", objective).strip().lower()
    return said.endswith(wanted) and len(said.split()) - len(wanted.split()) <= 4  # "Je demande donc que …"


def _facts_part(text: str, identity_spans: list[tuple[int, int]], f: dict[str, object]) -> str | None:
    """The message without its identity block, greeting and signature."""
    masked = text
    for start, end in identity_spans:
        masked = _mask(masked, start, end)
    masked = re.sub(rf"(?i)^\s*{_GREETINGS}[\s,!.]*", lambda m: " " * len(m.group(0)), masked)
    # "Je soussigné Jean Dupont, domicilié rue …, déclare": the words left before a blanked-out address
    masked = re.sub(r"(?i)\b(?:domicili[ée]e?|demeurant|r[ée]sidant|habitant)(?:\s+(?:au|à|a))?(?=\s{4,})",
                    lambda m: " " * len(m.group(0)), masked)
    closing = re.search(rf"(?i)(?:^|\n|[.!]\s)\s*(?:{_CLOSINGS})\b[^\n]*(?:\n[^\n]*){{0,3}}$", masked) or re.search(
        # a closing line of its own, then the signature block (name, address, phone: short lines, some blank)
        rf"(?i)(?:^|\n|[.!]\s)\s*(?:{_CLOSINGS}|dans\s+l['’]attente\b[^\n]*)[\s,.!]*(?:\n[^\n]{{0,60}}){{0,10}}$", masked)
    if closing:
        masked = masked[:closing.start() + 1]
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(masked):
        part = sentence.strip()
        if not part:
            continue
        if _REACH_ME_SENTENCE.search(part) and len(part.split()) < 16:
            continue
        if kept and _is_the_objective(part, f.get("objective")):  # shown on its own line, not twice
            continue
        rest = _IDENTITY_WORDS.sub(" ", re.sub(r"[()\[\],;:.!?-]", " ", part))
        if len(re.findall(r"[^\W\d_]{2,}", rest)) < 3:
            continue
        kept.append(re.sub(r"\s{2,}", " ", re.sub(r"\(\s*[,;]?\s*\)", "", part)).strip(" ,"))
    description = " ".join(kept).strip()
    description = re.sub(r"\s+([,.])", r"\1", description)
    if len(description.split()) < 4:
        return None
    return description


# ------------------------------------------------------------------ is it a complaint?

_DISSATISFACTION = re.compile(
    r"(?i)\b(?:plainte|r[ée]clamation|m[ée]content|insatisf|d[ée][çc]u|inadmissible|inacceptable|scandal|honte|"
    r"toujours\s+pas|toujours\s+rien|aucune\s+r[ée]ponse|sans\s+r[ée]ponse|jamais|pas\s+re[çc]u|erreur|probl[èe]me|"
    r"retard|refus|n['’]a\s+pas|n['’]ont\s+pas|ne\s+m['’]a|ne\s+m['’]ont|personne\s+ne|abusi|injuste|exige|conteste|"
    r"contester|plaindre|furieux|furieuse|en\s+col[èe]re|incompr[ée]hensible|lamentable|mal\s+re[çc]u|impoli|"
    r"agressi|d[ée]plorable|n[ée]glig|cass[ée]|ab[îi]m[ée]|endommag|factur[ée]|rembours|annul[ée]|rien\s+n['’]a)"
)
_QUESTION_ONLY = re.compile(r"(?i)\b(?:comment\s+faire|comment\s+(?:puis|peut|dois)|est-ce\s+que\s+je\s+peux|"
                            r"quels?\s+sont|quelles?\s+sont|o[ùu]\s+(?:puis|dois)|pouvez-vous\s+m['’]indiquer)\b")


# something that happened, told in the past: "j'ai reçu", "jai recu", "ils ne sont pas venus", "on m'a dit"
_TOLD_IN_THE_PAST = re.compile(
    r"(?i)\b(?:j['’]?ai|jai|on\s+m['’]a|m['’]a|m['’]ont|il\s+a|elle\s+a|ils\s+ont|elles\s+ont|vous\s+avez|n['’]a|n['’]ont"
    r"|sont|suis|est|a|ont)\s+(?:(?:pas|jamais|rien|d[ée]j[àa]|bien|encore|toujours|compl[èe]tement|tr[èe]s|mal|vraiment"
    r"|trop|plus)\s+){0,2}"
    r"(?-i:[a-zà-ÿ]{2,}(?:[ée]e?s?|[iu]s?|it|ert|ait))\b")  # lower case: "c'est Henri" tells nothing
_SHORT_ACCOUNT_MIN_WORDS = 8


def tells_facts(text: str) -> bool:
    """A short message that is already the account of the facts ("slt jai recu une facture de 250e
    alor ke jai rien consommé"), not only the wish to complain ("je voudrais faire une réclamation
    au sujet d'une facture"): first person, something told in the past, and a concrete element."""
    from bot.domain.admissibility import is_vague  # the same test of concreteness as the too_vague rule

    if len((text or "").split()) < _SHORT_ACCOUNT_MIN_WORDS:
        return False
    told = _TOLD_IN_THE_PAST.search(text.lower() if text.isupper() else text)  # a participle is lower case
    return bool(_FIRST_PERSON_RE.search(text) and told and not is_vague(text))


def reads_as_complaint(text: str, reading: Reading | None = None) -> bool:
    """Whatever a classifier says, does this message read as a complaint told in full?

    A long first-person account with dissatisfaction, or a letter with an identity block, does;
    a question about how to get a service ("comment faire ?") does not on its own.
    """
    if not text:
        return False
    words = len(text.split())
    first_person = bool(_FIRST_PERSON_RE.search(text))
    unhappy = len(_DISSATISFACTION.findall(text))
    if reading is not None and (reading.labelled or reading.identity_block) and words >= 15 and (unhappy or first_person):
        return True
    if words >= 30 and first_person and unhappy >= 1 and not (_QUESTION_ONLY.search(text) and unhappy < 2):
        return True
    return words >= 20 and first_person and unhappy >= 2


# ------------------------------------------------------------------ not a new complaint

# "vous êtes des voleurs", "bande d'incapables", "votre service est une honte": dissatisfaction, said
# to the organisation, in a few words
_INSULT = re.compile(
    r"(?i)\b(?:voleurs?|escrocs?|arnaqu\w*|incapables?|incomp[ée]tents?|menteurs?|minables?|guignols?|pourris?"
    r"|nuls?|honte|honteu\w*|scandal\w*|lamentables?|inadmissible|inacceptable|d[ée]plorable|foutez?\s+de"
    r"|fichez?\s+de|moquez?\s+(?:du|de)|vol[ée]s?)\b")
_AT_THEM = re.compile(r"(?i)\b(?:vous|votre|vos|bande\s+d|service|soci[ée]t[ée]|entreprise|administration)\b")


def insults_the_organisation(text: str) -> bool:
    """A short message that only says the citizen is unhappy with the organisation ("vous êtes
    des voleurs"): a complaint whose facts are still to be told, not a question."""
    words = len((text or "").split())
    return 0 < words <= 15 and "?" not in text and bool(_INSULT.search(text)) and bool(_AT_THEM.search(text))


# an earlier complaint sent another way: "j'ai envoyé une plainte par courrier le mois passé"
_EARLIER_COMPLAINT = re.compile(
    r"(?i)\b(?:j['’]?ai|jai|nous\s+avons|on\s+a|(?:ma|mon)\s+\w+\s+a)\s+(?:d[ée]j[àa]\s+|bien\s+)?"
    r"(?:envoy[ée]|d[ée]pos[ée]|introduit|post[ée]|fait|adress[ée]|transmis|[ée]crit|rentr[ée])\s+"
    r"(?:une|ma|la|un|mon|cette|notre)\s+(?:\w+\s+)?(?:plainte|r[ée]clamation|lettre|courrier|recommand[ée])"
    r"|\b(?:ma|mon|notre)\s+(?:plainte|r[ée]clamation|lettre|courrier)\s+(?:du|de|d['’]|envoy[ée]e?|post[ée]e?)")
# …and the question is whether it arrived or where it stands
_RECEIPT_QUESTION = re.compile(
    r"(?i)(?:\b(?:re[çc]ue?s?|eue?|arriv[ée]e?|parvenue?|enregistr[ée]e?|lue?|trait[ée]e?)\b[^.!]*\?"
    r"|\bo[uù]\s+en\s+est|\ben\s+est\s+o[uù]|\bdes\s+nouvelles\b|\bl['’]avancement\b"
    r"|\bsavoir\s+si\s+(?:elle|il|ma|mon|vous)\b[^.!?]*(?:re[çc]u|arriv|parvenu|enregistr))")
# "ce n'est pas une nouvelle plainte", "c'est pas une réclamation"
_NOT_A_NEW_COMPLAINT = re.compile(
    r"(?i)\b(?:ce\s+n['’]est|c['’]est|c)\s+pas\s+(?:une\s+)?(?:nouvelle\s+)?(?:plainte|r[ée]clamation)\b"
    r"|\bje\s+ne\s+veux\s+pas\s+(?:refaire|faire|d[ée]poser)\s+(?:une\s+)?(?:nouvelle\s+)?(?:plainte|r[ée]clamation)")
_FOLLOW_MINE = re.compile(r"(?i)\b(?:suivre|le\s+suivi\s+de|suivi\s+de|l['’]avancement\s+de|o[uù]\s+en\s+est)\s+"
                          r"(?:ma|mon|notre)\s+(?:plainte|r[ée]clamation)\b")
_STILL_UNHAPPY = re.compile(r"(?i)inadmissible|scandal|honte|inacceptable|toujours\s+(?:pas|rien|aucune?)|aucune\s+r[ée]ponse"
                            r"|sans\s+r[ée]ponse|jamais\s+r[ée]pondu|je\s+(?:demande|exige|veux)\s+(?!savoir)")


def asks_about_earlier_complaint(text: str) -> bool:
    """"J'ai envoyé une plainte par courrier le mois passé, est-ce que vous l'avez reçue ?", "non c'est
    pas une nouvelle plainte, je veux savoir si ma lettre est arrivée": a status question about a
    complaint already sent, not a new one. A complaint about that complaint's delay ("toujours aucune
    réponse, c'est inadmissible") is a complaint and is not taken here."""
    if not text or len(text.split()) > 60 or _STILL_UNHAPPY.search(text):
        return False
    if _FOLLOW_MINE.search(text):  # "je voudrais suivre ma plainte, je n'ai pas de référence"
        return True
    earlier = bool(_EARLIER_COMPLAINT.search(text)) or bool(_NOT_A_NEW_COMPLAINT.search(text))
    return earlier and bool(_RECEIPT_QUESTION.search(text))


_ONLY_A_QUESTION = re.compile(r"(?i)\b(?:juste|seulement|simplement|uniquement|question|info|information|renseignement"
                              r"|savoir|demande)\b")


def says_not_a_complaint(text: str) -> bool:
    """"C'est pas une plainte, je cherche juste une info": the citizen says it is only a question
    ("ce n'est pas une plainte contre l'agent, c'est contre le service" is not taken here)."""
    said = _NOT_A_NEW_COMPLAINT.search(text or "")
    return said is not None and bool(_ONLY_A_QUESTION.search(text[said.end():said.end() + 60]))


# ------------------------------------------------------------------ another organisation?

_KNOWN_BODIES = (
    # Belgium
    "Proximus", "Telenet", "VOO", "Orange Belgium", "Base", "Scarlet", "Engie", "Electrabel", "Luminus", "Lampiris",
    "TotalEnergies", "Eneco", "Mega", "ORES", "Fluvius", "Sibelga", "RESA", "SWDE", "Vivaqua", "CILE", "inBW",
    "SNCB", "TEC", "STIB", "De Lijn", "bpost", "SPW", "Service public de Wallonie", "Région wallonne",
    "Forem", "Actiris", "ONEM", "CPAS", "INAMI", "SPF Finances", "Mutualité chrétienne", "Partenamut",
    "Solidaris", "Mutualité socialiste", "Mutualité libérale", "Mutualité neutre", "Helan", "CAAMI", "Famiwal",
    "Famifed", "Infino", "Parentia",
    # France
    "EDF", "Engie France", "SFR", "Free", "Bouygues", "Orange", "La Poste", "SNCF", "RATP", "CAF", "CPAM",
    "URSSAF", "France Travail", "Pôle emploi", "Enedis", "GRDF", "Veolia", "Suez",
    # anywhere
    "Amazon", "Zalando", "Uber", "Deliveroo", "Ryanair", "Brussels Airlines", "Air France",
)
_AGAINST_RE = re.compile(
    rf"(?:plainte|r[ée]clamation|me\s+plaindre|porter\s+plainte)\s+(?:contre|au\s+sujet\s+de|concernant)\s+"
    rf"(?:la\s+soci[ée]t[ée]\s+|l['’]entreprise\s+|la\s+firme\s+|le\s+|la\s+|l['’]|les\s+)?"
    rf"(?P<org>(?:(?i:h[ôo]pital|clinique|CHU|pharmacie|banque|mutuelle|polyclinique|maison\s+de\s+repos)\s+"
    rf"(?:de\s+|d['’])?)?[{_UP}][\w&'’.-]+(?:\s+[{_UP}][\w&'’.-]+){{0,3}})"
)


# an institution named as the one that did something: the subject of the sentence
_INSTITUTION_ACTS_RE = re.compile(
    rf"(?:^|[.!?]\s+|,\s*|\n)\s*(?:bonjour,?\s+)?(?P<art>(?i:l['’]|le\s+|la\s+))(?P<org>(?i:h[ôo]pital|clinique|CHU|pharmacie|banque"
    rf"|mutuelle|commune|CPAS|polyclinique|maison\s+m[ée]dicale)\s+(?:de\s+|d['’])?[{_UP}][\w'’-]+(?:[ -][{_UP}][\w'’-]+){{0,2}})"
    r"\s+(?:m['’]|nous\s|a\s|ont\s|ne\s|n['’]|refuse|exige|r[ée]clame|me\s)"
)


def other_organisation(text: str | None, own_names: tuple[str, ...]) -> str | None:
    """The other body or company a complaint names as its target, if any (asked about once)."""
    if not text:
        return None
    own = [fold(n) for n in own_names if n]
    # a brand that opens the name counts alone ("Solidaris" of "Solidaris Brabant"); generic first words do not
    own += [o.split()[0] for o in list(own) if len(o.split()) > 1 and len(o.split()[0]) >= 4
            and o.split()[0] not in ("service", "centre", "notre", "votre", "societe", "direction", "cellule")]
    text = re.sub(r"\S+@\S+|(?:https?://|www\.)\S+", " ", text)  # "@proximus.be" names a mailbox, not a target

    def is_own(name: str) -> bool:  # whole words: "TEC" is not "IGRETEC"
        f = fold(name)
        return any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", o) or re.search(rf"(?<!\w){re.escape(o)}(?!\w)", f)
                   for o in own)

    m = _AGAINST_RE.search(text)
    if m and not is_own(m.group("org")) and m.group("org") not in ("Madame", "Monsieur", "Mme", "M"):
        return m.group("org").rstrip(".,")
    acting = _INSTITUTION_ACTS_RE.search(text)  # "L'hôpital Saint-Pierre m'a facturé deux fois…"
    if acting and not is_own(acting.group("org")):
        return acting.group("art").lower().replace("’", "'") + acting.group("org")  # "l'hôpital Saint-Pierre"
    for name in _KNOWN_BODIES:
        if is_own(name):
            continue
        if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            return name  # as written, capitals included: "la poste" is the post, "La Poste" the company
    return None
