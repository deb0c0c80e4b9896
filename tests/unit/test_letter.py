"""Reading a whole complaint written in one message (bot.domain.letter), on realistic letters."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.letter import read_message, reads_as_complaint, tells_facts

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
IGRETEC_POST = "IGRETEC - Cellule Réclamation, Boulevard Mayence 1, 6000 Charleroi"


def read(text: str, country: str = "BE"):
    tz = "Europe/Brussels" if country == "BE" else "Europe/Paris"
    return read_message(text, now=NOW, country=country, tz=tz, org_address=IGRETEC_POST)


FORMAL = """Madame, Monsieur,

Le 3/11, je me suis présentée au guichet de votre antenne de Mons pour déposer mon dossier 2026/4471.
Votre collègue Mme Hardy a refusé de le prendre. J'ai ensuite appelé le service clientèle sans succès.

Je souhaite que mon dossier soit enregistré et qu'on me réponde par écrit.

Cordialement,
Jeanne Leroy
chaussée de Bruxelles 45 à 6040 Jumet
jeanne.leroy@skynet.be - 0476 12 34 56"""


def test_formal_letter_with_signature_gives_every_detail():
    r = read(FORMAL)
    f = r.fields
    assert (f["first_name"], f["last_name"]) == ("Jeanne", "Leroy")
    assert f["address"] == "chaussée de Bruxelles 45, 6040 Jumet"
    assert f["email"] == "jeanne.leroy@skynet.be"
    assert f["phone"] == "+32476123456"
    assert f["file_reference"] == "2026/4471"
    assert f["facts_date"] == "2026-11-03" and r.date.precision == "day"
    assert f["facts_place"] == "au guichet de votre antenne de Mons"
    assert "Mme Hardy" in f["persons_contacted"] and "service clientèle" in f["persons_contacted"]
    assert f["objective"].startswith("Je souhaite que mon dossier soit enregistré")
    assert f["acting_for"] == "self"


def test_the_description_is_the_facts_without_the_identity_block():
    f = read(FORMAL).fields
    description = f["facts_description"]
    assert description.startswith("Le 3/11, je me suis présentée au guichet")
    for identity in ("Leroy", "Jumet", "skynet", "0476", "Cordialement", "Madame, Monsieur"):
        assert identity not in description


def test_form_layout_pasted_from_an_email():
    r = read("Nom : Martin. Prénom : Claire. Adresse : chaussée de Charleroi 12 à 6040 Jumet. "
             "E-mail : claire.martin@example.be. Téléphone : 071 35 22 10. Faits : le 12 octobre 2026, votre "
             "agent M. Dubois est venu relever le compteur et a cassé la clôture du jardin. "
             "Objectif : je demande la réparation de la clôture.")
    f = r.fields
    assert r.labelled and r.identity_block
    assert (f["last_name"], f["first_name"]) == ("Martin", "Claire")
    assert f["address"] == "chaussée de Charleroi 12, 6040 Jumet"
    assert f["phone"] == "+3271352210"  # a landline
    assert f["facts_date"] == "2026-10-12"
    assert f["objective"] == "je demande la réparation de la clôture"
    assert f["facts_description"].startswith("le 12 octobre 2026, votre agent M. Dubois")
    assert "M. Dubois" in f["persons_contacted"]


def test_form_layout_on_separate_lines():
    f = read("Nom: Dupont\nPrénom: Marie\nAdresse: Rue des Écoles 7, 7000 Mons\nEmail: marie@example.be\n"
             "Tél: 0475 98 76 54\nDossier: 2026/118\nLieu: bureau de Mons\n"
             "Faits: la facture de septembre compte deux fois le même raccordement.\n"
             "Demande: le remboursement du montant payé deux fois").fields
    assert f["address"] == "Rue des Écoles 7, 7000 Mons"
    assert f["file_reference"] == "2026/118"
    assert f["facts_place"] == "bureau de Mons"
    assert f["objective"] == "le remboursement du montant payé deux fois"
    assert f["facts_description"] == "la facture de septembre compte deux fois le même raccordement"


def test_sms_style_without_accents_or_capitals():
    f = read("slt jsuis marc dupuis jhabite rue haute 12 6000 charleroi 0471987654 on ma rien dit pour mon "
             "dossier ref ABC-123 depuis hier").fields
    assert (f["first_name"], f["last_name"]) == ("Marc", "Dupuis")
    assert f["address"] == "rue haute 12, 6000 charleroi"
    assert f["phone"] == "+32471987654"
    assert f["file_reference"] == "ABC-123"
    assert f["facts_date"] == "2026-11-30"


def test_french_address_and_phone_and_greeting_name():
    f = read("Bonjour, Pierre Lefèvre, 5 rue Félix Viallet 38000 Grenoble, pierre.lefevre@orange.fr, "
             "06 22 33 44 55. Le 9 novembre 2026 mon rendez-vous d'installation a été annulé sans prévenir. "
             "Je demande un nouveau rendez-vous.", country="FR").fields
    assert (f["first_name"], f["last_name"]) == ("Pierre", "Lefèvre")
    assert f["address"] == "5 rue Félix Viallet, 38000 Grenoble"
    assert f["phone"] == "+33622334455"
    assert f["objective"] == "Je demande un nouveau rendez-vous"


def test_a_french_address_is_taken_for_a_belgian_body_too():
    f = read("Je m'appelle Anne Roux, j'habite 14 avenue Foch, 59000 Lille (France). Le 2 novembre 2026 "
             "votre service facturation m'a envoyé une facture erronée.").fields
    assert f["address"].startswith("14 avenue Foch, 59000 Lille")


def test_the_organisation_address_is_not_the_citizen_address():
    f = read("Je m'appelle Paul Simon. Je suis allé à vos bureaux, Boulevard Mayence 1, 6000 Charleroi le "
             "4 novembre 2026 et personne n'a pu me recevoir.").fields
    assert "address" not in f


@pytest.mark.parametrize(("text", "ref"), [
    ("mon numéro d'affiliation 123-4567890-12 est sur la carte", "123-4567890-12"),
    ("je suis client n° 884512 depuis dix ans", "884512"),
    ("ma demande de prime 2026-0777 est bloquée", "2026-0777"),
    ("référence ABC-123, merci", "ABC-123"),
    ("Je suis affiliée sous le numéro 123456789. J'ai téléphoné 3 fois.", "123456789"),
    ("je suis inscrit sous le n° 45-778, rien reçu depuis", "45-778"),
])
def test_file_references_in_their_usual_forms(text, ref):
    assert read(text).fields["file_reference"] == ref


def test_an_amount_or_a_date_is_not_a_reference():
    f = read("la facture de 412 euros du 14/10 est fausse")
    assert "file_reference" not in f.fields


@pytest.mark.parametrize(("text", "persons"), [
    ("J'ai parlé à votre collègue Mme Hardy au téléphone.", "votre collègue Mme Hardy"),
    ("M. Dubois m'a dit que ce n'était pas possible.", "M. Dubois"),
    ("J'ai écrit deux fois au service facturation.", "au service facturation"),
])
def test_persons_contacted(text, persons):
    assert persons in read(text).fields["persons_contacted"]


def test_the_citizen_own_name_is_not_a_person_contacted():
    f = read("Je suis Mme Claire Martin et M. Dubois m'a raccroché au nez.").fields
    assert f["persons_contacted"] == "M. Dubois"


@pytest.mark.parametrize("text", [
    "Je veux porter plainte contre votre service.",
    "Je voudrais faire une réclamation.",
    "je souhaite introduire une réclamation",
])
def test_wanting_to_complain_is_not_the_objective(text):
    assert "objective" not in read(text).fields


def test_the_objective_is_the_last_demand():
    f = read("Je voudrais vous signaler un problème. Le compteur a été mal relevé. J'exige une rectification de "
             "ma facture.").fields
    assert f["objective"] == "J'exige une rectification de ma facture"


@pytest.mark.parametrize(("text", "acting"), [
    ("Nous, les habitants de la rue Haute, nous plaignons du bruit du chantier.", "group"),
    ("Au nom de la société Dubois SPRL, je conteste votre facture.", "organisation"),
    ("Je conteste la facture que j'ai reçue le 3 novembre.", "self"),
])
def test_acting_for(text, acting):
    assert read(text).fields["acting_for"] == acting


def test_on_behalf_of_a_parent_keeps_who_is_represented():
    r = read("Je vous écris au nom de ma mère, Mme Jeanne Martin, qui a reçu une facture erronée.")
    assert r.represented == "ma mère, Mme Jeanne Martin"


@pytest.mark.parametrize(("text", "precision", "earliest", "latest"), [
    ("il y a deux mois", "approximate", date(2026, 9, 16), date(2026, 10, 16)),
    ("en juin", "month", date(2026, 6, 1), date(2026, 6, 30)),
    ("fin septembre ou début octobre", "approximate", date(2026, 9, 21), date(2026, 10, 10)),
    ("entre le 3 et le 10 novembre", "approximate", date(2026, 11, 3), date(2026, 11, 10)),
    ("le 3 ou le 4 novembre", "approximate", date(2026, 11, 3), date(2026, 11, 4)),
    ("début septembre", "approximate", date(2026, 9, 1), date(2026, 9, 10)),
    ("hier", "day", date(2026, 11, 30), date(2026, 11, 30)),
])
def test_dates_keep_their_precision(text, precision, earliest, latest):
    parsed = read(f"Cela s'est passé {text}, au guichet.").date
    assert parsed.precision == precision
    assert parsed.bounds() == (earliest, latest)


def test_two_dates_joined_by_and_are_two_events_not_a_range():
    parsed = read("Le 14 octobre j'ai reçu la facture et le 20 octobre j'ai écrit.").date
    assert parsed.bounds() == (date(2026, 10, 14), date(2026, 10, 14))


def test_nothing_found_in_an_empty_or_odd_message():
    assert read("").fields == {}
    assert read("😡😡😡").fields == {}


@pytest.mark.parametrize(("text", "expected"), [
    (FORMAL, True),
    ("Nom : Martin. Prénom : Claire. Adresse : rue Haute 3, 6000 Charleroi. Faits : le compteur a été cassé "
     "par votre agent. Objectif : je demande la réparation.", True),
    ("Bonjour, quels sont vos horaires d'ouverture le samedi ?", False),
    ("je voudrais qu'un technicien vienne installer une deuxième prise dans mon salon, comment faire ?", False),
    ("Bonjour", False),
])
def test_reads_as_complaint(text, expected):
    assert reads_as_complaint(text, read(text)) is expected


@pytest.mark.parametrize("text", [
    "J'ai appelé deux fois le service en charge de mon dossier, sans résultat.",
    "Mon conseiller ne répond plus à mes appels depuis le 4 novembre.",
    "Je me suis présentée à l'accueil de votre agence le 3 novembre.",
    "Malgré mes relances, je n'ai reçu aucune réponse.",
    "jai appele 3 fois et personne repond",
])
def test_an_earlier_contact_with_the_organisation_is_read_as_such(text: str) -> None:
    assert read(text).fields.get("prior_contact") is True


@pytest.mark.parametrize("text", [
    "Je n'ai pas encore contacté le service, je ne sais pas à qui m'adresser.",
    "Le remboursement de mes lunettes n'a toujours pas été versé.",
    "Je n'ai jamais appelé, je préfère écrire.",
])
def test_no_earlier_contact_is_never_invented(text: str) -> None:
    assert "prior_contact" not in read(text).fields


def test_facts_that_happened_on_the_phone_have_the_phone_as_their_place() -> None:
    f = read("Le 2 juillet, l'accueil téléphonique de votre service m'a raccroché au nez. "
             "Je reste joignable par courriel à jean@example.be.").fields
    assert f["facts_place"] == "par téléphone", "the contact line 'par courriel' is not where it happened"
    both = read("J'ai appelé par téléphone puis écrit par courriel, sans réponse.").fields
    assert "facts_place" not in both, "two channels: the citizen says which"
    assert read("Au guichet de Mons, puis par téléphone, on m'a refusé le formulaire.").fields["facts_place"] \
        == "Au guichet de Mons"


def test_a_name_written_just_before_the_address_is_the_signature() -> None:
    f = read("Je demande le versement des remboursements dus. Anne Wauters, rue Wayez 101, 1070 Anderlecht, "
             "anne.wauters@example.be").fields
    assert (f["first_name"], f["last_name"]) == ("Anne", "Wauters")


def test_the_service_in_charge_of_the_file_is_named_whole() -> None:
    f = read("J'ai appelé deux fois le service en charge de mon dossier, sans résultat.").fields
    assert f["persons_contacted"] == "le service en charge de mon dossier"


def test_a_name_signed_as_the_last_sentence_on_the_same_line() -> None:
    f = read("Ma mutuelle refuse de me rembourser mes séances de kiné depuis septembre. Je voudrais être "
             "remboursée. Nadia Benali").fields
    assert (f["first_name"], f["last_name"]) == ("Nadia", "Benali")
    assert "Benali" not in f["facts_description"]


@pytest.mark.parametrize("end", ["Merci Beaucoup.", "Bonne Journée", "Cordialement."])
def test_closing_words_in_capitals_are_no_signature(end: str) -> None:
    f = read(f"La facture du 3 novembre compte deux fois les travaux. {end}").fields
    assert "first_name" not in f and "last_name" not in f


@pytest.mark.parametrize(("text", "place"), [
    ("en juin j'ai été reçu au guichet de Charleroi par un agent très désagréable", "au guichet de Charleroi"),
    ("je me suis présentée à votre agence de Mons avec mon fils", "à votre agence de Mons"),
    ("j'ai attendu au bureau de Jumet pendant deux heures", "au bureau de Jumet"),
])
def test_the_place_ends_before_who_and_how(text, place):
    assert read(text).fields.get("facts_place") == place


def test_a_neighbour_named_in_the_letter_is_kept_in_the_facts_and_is_not_a_person_contacted():
    r = read("Mon voisin M. Pirard dépose ses sacs devant chez moi depuis la fin octobre et vos agents de propreté "
             "ne font rien malgré mes trois signalements. J'exige une intervention.")
    assert r.fields["facts_description"].startswith("Mon voisin M. Pirard dépose")
    assert "Pirard" not in str(r.fields.get("persons_contacted") or "")


def test_whom_the_citizen_wants_to_speak_to_is_not_whom_they_met():
    r = read("Avant-hier j'ai appelé votre service clientèle, la dame m'a raccroché au nez. "
             "Je souhaite parler à un responsable.")
    assert r.fields["persons_contacted"] == "votre service clientèle"


def test_no_email_said_in_the_letter_is_read_and_how_to_reach_me_is_not_the_facts():
    r = read("Je n'ai pas d'adresse mail, écrivez-moi au 14 rue de la Gare 6000 Charleroi. Lundi dernier votre "
             "camion a arraché ma boîte aux lettres. Je veux qu'on me la remplace. Mme Josiane Lemaire")
    assert r.lacks == ("email",)
    assert r.fields["facts_description"].startswith("Lundi dernier votre camion")
    assert read("on m'a refusé le dossier car je n'ai pas de gsm").lacks == ("phone",)
    assert read("mon mail est jean@example.be").lacks == ()


@pytest.mark.parametrize("text", ["ref client 45879632", "code client 45879632", "réf. 45879632"])
def test_a_client_reference_said_the_short_way(text):
    assert read(text).fields["file_reference"] == "45879632"


@pytest.mark.parametrize(("text", "account"), [
    ("slt jvoulai me plaindre jai recu une facture de 250e alor ke jai rien consommé. ref client 45879632", True),
    ("le camion poubelle est pas passé depuis 3 semaines dans ma rue à Jumet, j'ai appelé deux fois", True),
    ("Bonjour, je voudrais faire une réclamation au sujet d'une facture de l'an passé.", False),
    ("Bonjour je souhaite déposer une plainte contre votre service pour la gestion de mon dossier", False),
    ("je voudrais savoir comment faire une réclamation", False),
])
def test_a_short_message_is_the_account_only_when_it_tells_what_happened(text, account):
    assert tells_facts(text) is account


@pytest.mark.parametrize(("text", "org"), [
    ("Je suis le gérant de la SPRL Dubois Construction, rue du Travail 5 à 4000 Liège. Vous ne payez pas "
     "notre facture.", "SPRL Dubois Construction"),
    ("En tant que présidente de l'ASBL Les Amis du Parc, je conteste votre décision du 4 novembre.",
     "ASBL Les Amis du Parc"),
    ("je suis directeur de la société Vertbois et votre agent nous a refusé l'accès au recyparc", "société Vertbois"),
])
def test_who_writes_for_a_company_says_its_name_and_it_is_not_the_facts(text, org):
    r = read(text)
    assert (r.fields["acting_for"], r.represented) == ("organisation", org)
    assert org not in str(r.fields.get("facts_description") or "")


def test_a_letter_for_ones_mother_keeps_her_name_and_home_apart_from_the_writers():
    r = read("Bonjour, je vous écris pour ma mère qui a 84 ans. Elle habite rue des Alliés 12 à 6000 Charleroi. "
             "Votre camion a cassé sa boîte aux lettres le 12 novembre. Elle s'appelle Jeanne Lambert.")
    assert r.represented == "ma mère, Jeanne Lambert, rue des Alliés 12, 6000 Charleroi"
    assert "address" not in r.fields, "her home is not the writer's"
    assert "Alliés" not in r.fields["facts_description"] and "cassé sa boîte" in r.fields["facts_description"]


def test_a_neighbours_home_is_skipped_for_the_writers_own():
    r = read("Mon voisin est tombé sur votre chantier. Il habite rue des Alliés 14, 6000 Charleroi. "
             "J'habite rue des Alliés 12, 6000 Charleroi.")
    assert r.fields["address"] == "rue des Alliés 12, 6000 Charleroi"


@pytest.mark.parametrize(("text", "place"), [
    ("votre camion a abîmé ma clôture hier rue de la Station à Gosselies.", "rue de la Station à Gosselies"),
    ("le camion poubelle ne passe plus rue Neuve depuis 3 semaines", "rue Neuve"),
])
def test_a_street_named_without_a_preposition_is_the_place(text, place):
    assert read(text).fields["facts_place"] == place


@pytest.mark.parametrize("text", ["merci de me rappeler", "Merci pour votre aide", "merci de me répondre vite"])
def test_a_thank_you_sentence_signs_no_name(text):
    assert "last_name" not in read(text).fields


def test_a_name_with_particles_still_signs():
    f = read("Votre agent a refusé mon colis.\nMerci,\nMarie Van den Bossche").fields
    assert f["first_name"] == "Marie" and f["last_name"].lower() == "van den bossche"


def test_a_short_sms_account_with_adverbs_is_the_account_and_keeps_the_town_of_the_place():
    text = "votre agent m'a très mal parlé au guichet hier à Charleroi"
    assert tells_facts(text)
    assert read(text).fields["facts_place"] == "au guichet à Charleroi"


@pytest.mark.parametrize(("text", "place"), [
    ("Le 25 novembre, vos ouvriers ont laissé un trou devant mon garage et je ne peux plus sortir.", "devant mon garage"),
    ("votre camion est monté sur le trottoir et a cassé ma boîte aux lettres", "sur le trottoir"),
    ("votre technicien est venu dans ma maison sans prévenir", "dans ma maison"),
])
def test_the_place_of_everyday_facts_ends_where_the_place_does(text, place):
    assert read(text).fields["facts_place"] == place


# Misreadings found on fifty new first messages (a street with its number, the objective among
# "merci de me rappeler", the organisation's own contacts, an "Objet :" line, a closing formula
# before a signature block, a weekday with its date, "aujourd'hui", a title before a name).
@pytest.mark.parametrize(("text", "field", "value"), [
    ("Je me plains car le camion n'est pas passé mardi rue Haute 5 à Châtelet.", "facts_place", "rue Haute 5 à Châtelet"),
    ("Le camion n'est pas passé avenue Louise 31.", "facts_place", "avenue Louise 31"),
    ("Samedi je suis allé au recyparc de Couillet et le préposé m'a insulté.", "facts_place", "au recyparc de Couillet"),
    ("Mardi, notre demande de raccordement au zoning de Gosselies a été refusée sans explication.", "facts_place",
     "au zoning de Gosselies"),
    ("Mardi le camion a cassé mon conteneur. Je demande un nouveau conteneur. Merci de me rappeler au 0472 11 22 33.",
     "objective", "Je demande un nouveau conteneur"),
    ("Mardi le camion a cassé mon conteneur. Je demande que M. Collard revienne réparer.", "objective",
     "Je demande que M. Collard revienne réparer"),
    ("Mardi le camion a cassé mon conteneur. Merci d'intervenir en urgence.", "objective", "Merci d'intervenir en urgence"),
    ("Mardi le camion a cassé mon conteneur. J'ai écrit à reclamation@igretec.com sans réponse.\n"
     "Jean Dupont, jean.dupont@gmail.com", "email", "jean.dupont@gmail.com"),
    ("Mardi le camion a cassé mon conteneur. J'ai déjà appelé le 071 20 28 11 sans réponse.\n"
     "Jean Dupont, 0475 11 22 33", "phone", "+32475112233"),
    ("Je vous écris aujourd'hui car le 3 novembre le camion a cassé mon conteneur.", "facts_date", "2026-11-03"),
    ("Il y a un souci : mardi 10/11 le camion a cassé mon conteneur.", "facts_date", "2026-11-10"),
    ("Il y a un souci : le jeudi 12.11 le camion a cassé mon conteneur.", "facts_date", "2026-11-12"),
    ("Le camion n'est pas passé mardi, je suis furieux. Mme Hanotiau 0477123456", "last_name", "Hanotiau"),
    ("Le camion est pas passé mardi je suis furieux. Mr Karim Haddad 0489 55 66 77", "first_name", "Karim"),
])
def test_a_detail_of_an_everyday_letter_is_read_as_the_citizen_meant_it(text, field, value):
    assert read(text).fields.get(field) == value


def test_the_numbers_and_addresses_around_the_citizens_own_are_not_theirs():
    f = read("Le camion n'est pas passé mardi, je suis furieux. Mme Hanotiau 0477123456").fields
    assert "first_name" not in f, "a title is not a first name"
    f = read("Je souhaite parler à M. Leroy, votre directeur, car votre camion a cassé mon conteneur mardi.").fields
    assert "persons_contacted" not in f, "whom the citizen asks for is not whom they met"
    f = read("J'habite au 27 avenue des Alliés à Jumet. Le camion a cassé mon conteneur mardi.").fields
    assert "facts_place" not in f, "the citizen's home street (no postcode) is not the place of the facts"


def test_a_subject_line_and_a_closing_before_the_signature_block_are_not_the_facts():
    f = read("Objet : réclamation sur ma commande n° 784512\nMadame, Monsieur,\n"
             "J'ai commandé un canapé le 2 octobre, il est arrivé cassé.", "FR").fields
    assert f["subject"] == "réclamation sur ma commande n° 784512"
    assert f["facts_description"] == "J'ai commandé un canapé le 2 octobre, il est arrivé cassé."
    f = read("Le camion n'est pas passé mardi, je suis furieux.\n\nVeuillez agréer, Madame, Monsieur, l'expression de "
             "mes salutations distinguées.\n\nMarcel Vandenbroeck\nRue du Tienne 45\n6220 Fleurus\nTél : 071 81 23 45").fields
    assert f["facts_description"] == "Le camion n'est pas passé mardi, je suis furieux."


@pytest.mark.parametrize(("text", "field", "value"), [
    ("J'ai appelé 2 fois ya 3 mois et toujours rien, je veux une reponse.", "facts_date", "2026-09-01"),
    ("je m appel nadia benali. le camion n'est pas passé mardi", "last_name", "Benali"),
    ("Je soussigné Jean Dupont, domicilié rue de la Gare 4 à 6000 Charleroi, déclare que votre camion a cassé ma clôture.",
     "facts_description", "déclare que votre camion a cassé ma clôture."),
    ("Je me plains car le camion n'est pas passé mardi. David Lambotte – 0485 98 76 54", "last_name", "Lambotte"),
    ("Le camion a cassé notre conteneur mardi, je suis furieux.\nJacques Martin\nMartin BTP", "first_name", "Jacques"),
    ("Je suis affiliée chez vous sous le numéro 123-4567890-12. Mes remboursements sont bloqués.", "file_reference",
     "123-4567890-12"),
    ("J'écris au nom de ma mère, Madame Georgette Claes, affiliée n° 456789. Ses remboursements sont bloqués.",
     "file_reference", "456789"),
    ("Mes remboursements sont bloqués depuis mardi.\nPaul Lemmens\nCalle Mayor 15\n28013 Madrid\nEspagne", "address",
     "Calle Mayor 15, 28013 Madrid, Espagne"),
    ("Mes remboursements sont bloqués depuis mardi.\nPaul Lemmens\nHauptstraße 5\n52062 Aachen", "address",
     "Hauptstraße 5, 52062 Aachen"),
    ("De : Martine Jacquet <martine.jacquet@hotmail.com>\nEnvoyé : vendredi 20 novembre 2026 18:42\nObjet : Plainte\n\n"
     "Votre releveur est passé le 2 novembre et a marché dans mes plantations.", "facts_date", "2026-11-02"),
    ("De : Martine Jacquet <martine.jacquet@hotmail.com>\nEnvoyé : vendredi 20 novembre 2026 18:42\nObjet : Plainte\n\n"
     "Votre releveur est passé le 2 novembre et a marché dans mes plantations.", "last_name", "Jacquet"),
])
def test_more_ways_citizens_write_a_detail(text, field, value):
    assert read(text).fields.get(field) == value


@pytest.mark.parametrize("text", ["Je n'ai pas de gsm ni d'email. Le camion a cassé mon conteneur mardi.",
                                  "Je n'ai ni e-mail ni téléphone. Le camion a cassé mon conteneur mardi."])
def test_lacking_two_ways_to_be_reached_lacks_both(text):
    assert set(read(text).lacks) == {"email", "phone"}


def test_the_way_to_be_answered_is_not_the_place_of_the_facts():
    assert "facts_place" not in read("Mardi le camion a cassé mon conteneur. Je souhaite être contacté par téléphone.").fields


def test_a_manager_who_names_herself_first_still_writes_for_her_company():
    r = read("Je suis Nathalie Dubois, gérante de la SRL Dubois Jardins. Le camion a cassé notre conteneur mardi.")
    assert (r.fields["acting_for"], r.represented) == ("organisation", "SRL Dubois Jardins")
    assert (r.fields["first_name"], r.fields["last_name"]) == ("Nathalie", "Dubois")


@pytest.mark.parametrize(("text", "persons"), [
    ("J'en ai parlé à votre contremaître sur place le jour même, il m'a ri au nez.", "votre contremaître"),
    ("J'ai parlé au chauffeur, il m'a dit que ce n'était pas son problème.", "au chauffeur"),
])
def test_the_staff_met_on_the_ground_are_persons_contacted(text, persons):
    assert read(text).fields["persons_contacted"] == persons


def test_a_company_number_is_not_a_phone():
    assert "phone" not in read("Rue de la Gare 5, 6220 Fleurus, numéro d'entreprise BE 0456.789.123").fields


def test_saying_whose_daughter_one_is_is_not_a_name():
    f = read("Ma mère, Mme Jeanne Dewit, 91 ans, n'a pas été remboursée. Je suis sa fille, Françoise Dewit.").fields
    assert f.get("last_name") != "Fille" and f.get("first_name") != "Sa"


@pytest.mark.parametrize(("text", "address"), [
    ("j'habite au 14 rue des Lilas à 6000 Charleroi depuis 10 ans", "14 rue des Lilas, 6000 Charleroi"),
    ("rue Haute 3, 7090 Braine le Comte", "rue Haute 3, 7090 Braine le Comte"),
    ("rue Haute 3, 4470 Saint Georges sur Meuse", "rue Haute 3, 4470 Saint Georges sur Meuse"),
    ("rue Haute 3, 1420 Braine-l'Alleud", "rue Haute 3, 1420 Braine-l'Alleud"),
    ("rue Haute 3, 7000 Mons Le technicien est venu", "rue Haute 3, 7000 Mons"),
])
def test_a_town_keeps_its_inner_particles_and_never_ends_on_one(text, address) -> None:
    assert read(text).fields["address"] == address


@pytest.mark.parametrize("text", ["rue des Lilas 14, 6000 Charleroi mais je suis souvent chez ma fille",
                                  "je suis malade et seule depuis le mois passé",
                                  "je suis désolée de vous déranger"])
def test_je_suis_followed_by_an_adverb_or_a_state_signs_nothing(text) -> None:
    fields = read(text).fields
    assert "last_name" not in fields and "first_name" not in fields


def test_a_relative_named_with_c_est_is_not_the_citizen() -> None:
    fields = read("mon père c'est Henri Girard").fields
    assert "first_name" not in fields and "last_name" not in fields
    letter = read("je m'appelle Paul Lambert et j'écris pour ma mère, ma mère c'est Jeanne Lambert").fields
    assert (letter["first_name"], letter["last_name"]) == ("Paul", "Lambert")
    assert not tells_facts("Girard, Sylvie Girard. mon père c'est Henri Girard"), "'c'est Henri' tells nothing"


@pytest.mark.parametrize(("text", "earlier"), [
    ("bonjour j'ai envoyé une plainte par courrier le mois passé, est ce que vous l'avez reçue ?", True),
    ("ma plainte du 10 novembre, vous l'avez bien reçue ?", True),
    ("J'ai fait une réclamation le mois passé, où en est-elle ?", True),
    ("ma fille a envoyé une réclamation pour moi, elle est arrivée ?", True),
    ("non c'est pas une nouvelle plainte, je veux savoir si ma lettre est arrivée", True),
    # a complaint about the delay of that complaint is a complaint
    ("j'ai envoyé une réclamation il y a 3 mois et toujours aucune réponse, c'est inadmissible", False),
    ("j'ai écrit une lettre à votre directeur pour me plaindre du technicien qui a cassé ma clôture", False),
    ("j'ai reçu une facture erronée, pourquoi ?", False),
])
def test_a_question_about_a_complaint_already_sent_is_told_from_a_new_one(text, earlier) -> None:
    from bot.domain.letter import asks_about_earlier_complaint
    assert asks_about_earlier_complaint(text) is earlier


def test_only_a_question_and_insults_are_told_apart_from_complaints() -> None:
    from bot.domain.letter import insults_the_organisation, says_not_a_complaint
    assert says_not_a_complaint("c'est pas une plainte, je cherche juste une info : comment avoir une attestation ?")
    assert not says_not_a_complaint("ce n'est pas une plainte contre l'agent, c'est contre le service")
    for insult in ("vous etes des voleurs", "bande d'incapables", "votre service est une honte"):
        assert insults_the_organisation(insult), insult
    for other in ("vous êtes ouverts le samedi ?", "merci beaucoup vous êtes super", "le vol de mon vélo"):
        assert not insults_the_organisation(other), other


def test_following_ones_complaint_is_a_status_question() -> None:
    from bot.domain.letter import asks_about_earlier_complaint
    assert asks_about_earlier_complaint("je voudrais suivre ma plainte, je n'ai pas de référence")
    assert asks_about_earlier_complaint("je souhaite connaître l'avancement de ma réclamation")


def test_the_complainants_own_company_is_who_they_act_for_never_another_party() -> None:
    r = read("Je suis responsable des achats de la société Batiplus SAS. Votre livreur nous a livré le "
             "25 novembre 40 sacs de ciment au lieu de 400, et votre commercial M. Roux ne répond plus.")
    assert r.fields["acting_for"] == "organisation" and "Batiplus SAS" in (r.represented or "")
    assert r.fields["other_parties"] == "Votre livreur"
    assert "Batiplus" not in r.fields["facts_description"]


def test_a_signature_with_the_french_address_order_is_the_name() -> None:
    r = read("Bonjour, ma facture est fausse depuis le 6 novembre. Je demande une correction.\n"
             "Claire Moreau, 8 rue Victor Hugo, 69002 Lyon, claire.moreau@orange.fr, 06 45 67 89 01", country="FR")
    assert (r.fields["first_name"], r.fields["last_name"]) == ("Claire", "Moreau")
    assert r.fields["address"] == "8 rue Victor Hugo, 69002 Lyon"


def test_a_name_introduced_in_the_forms_order_is_told_apart() -> None:
    fields = read("Bonjour, je m'appelle Lemaire Paul et votre agent ne m'a jamais rappelé.").fields
    assert (fields["first_name"], fields["last_name"]) == ("Paul", "Lemaire")


def test_an_institution_that_did_something_is_another_organisation() -> None:
    from bot.domain.letter import other_organisation
    own = ("Solidaris Brabant", "Service Médiation et Qualité de service", "SOL")
    assert other_organisation("L'hôpital Saint-Pierre m'a facturé deux fois la même consultation", own) == \
        "l'hôpital Saint-Pierre"
    assert other_organisation("Le CHU de Charleroi a perdu mon dossier", own) == "le CHU de Charleroi"
    assert other_organisation("je suis allé à l'hôpital de Jumet et votre agent m'a mal reçu", own) is None
    assert other_organisation("la mutuelle Solidaris m'a refusé le remboursement", own) is None


def test_the_country_said_before_the_address_is_kept_with_it() -> None:
    assert read("j'habite en France, 12 rue Nationale, 59000 Lille").fields["address"] == \
        "12 rue Nationale, 59000 Lille, France"
    assert read("j'habite au Maroc : 45 avenue Hassan II, 20000 Casablanca, Maroc").fields["address"] == \
        "45 avenue Hassan II, 20000 Casablanca, Maroc"


def test_a_job_after_je_suis_is_not_a_name_and_its_company_is_who_they_act_for() -> None:
    r = read("Bonjour, je suis gestionnaire RH de la société Technobel SA et j'écris au nom de l'entreprise : "
             "nous attendons depuis le 10 novembre une attestation.")
    assert "last_name" not in r.fields and "first_name" not in r.fields
    assert r.fields["acting_for"] == "organisation" and "Technobel SA" in (r.represented or "")
    assert "other_parties" not in r.fields


def test_a_nationality_or_a_conjunction_after_je_suis_is_not_a_name() -> None:
    r = read("Bonjour, j'ai commandé un canapé chez vous le 2 novembre (commande n° CMD-784512), il n'est jamais "
             "arrivé. Je suis française mais j'habite en Belgique.")
    assert "last_name" not in r.fields and "first_name" not in r.fields
    assert r.fields["file_reference"] == "CMD-784512", "the whole order number, not its tail"
    assert read("jsuis marie dupont, ma facture est fausse").fields["first_name"] == "Marie"


def test_an_organisation_written_for_is_named_and_stays_in_the_account() -> None:
    r = read("Bonjour, j'écris au nom de l'ASBL Aide à Domicile Forest dont je suis la directrice : depuis le "
             "2 novembre vos remboursements n'arrivent plus.")
    assert r.represented == "ASBL Aide à Domicile Forest" and r.fields["acting_for"] == "organisation"
    assert "facts_place" not in r.fields
    assert "au nom de l'ASBL Aide à Domicile Forest" in r.fields["facts_description"]


@pytest.mark.parametrize(("text", "own", "other"), [
    ("Je veux porter plainte contre l'hôpital Érasme : on m'a facturé 450 euros", ("Solidaris Brabant",),
     "hôpital Érasme"),
    ("Le bus de la ligne 52 du TEC ne s'arrête plus à mon arrêt", ("IGRETEC", "IGR"), "TEC"),  # not part of IGRETEC
    ("Ma mutuelle Solidaris ne me rembourse pas", ("SPF Sécurité sociale",), "Solidaris"),
    ("Ma mutuelle Solidaris ne me rembourse pas", ("Solidaris Brabant",), None),
])
def test_another_body_is_named_as_a_whole_word(text, own, other) -> None:
    from bot.domain.letter import other_organisation
    assert other_organisation(text, own) == other
