import pytest

from bot.domain.interrupts import detect_interrupt


@pytest.mark.parametrize("text,kind", [
    ("en fait laissez tomber, je verrai plus tard", "cancel"),
    ("bon laissez tomber", "cancel"), ("laissez tomber, j'arrête", "cancel"), ("bon j'abandonne et j'arrête", "cancel"),
    ("annuler", "cancel"), ("Annuler !", "cancel"), ("stop", "cancel"), ("j'abandonne", "cancel"),
    ("laissez tomber", "cancel"), ("je veux annuler ma réclamation", "cancel"),
    ("je ne veux plus porter plainte", "cancel"),
    ("recommencer", "start_over"), ("je veux tout recommencer", "start_over"),
    ("on reprend depuis le début", None), ("reprendre du début", "start_over"),
    ("je veux parler à quelqu'un", "request_human"), ("parler à un conseiller", "request_human"),
    ("un humain svp", "request_human"), ("je voudrais parler à une vraie personne", "request_human"),
    ("passez-moi un conseiller", "request_human"),
    ("laissez tomber, j'abandonne, c'est trop compliqué", "cancel"),
    ("non je veux annuler, n'envoyez rien", "cancel"),
    ("finalement je préfère ne pas l'envoyer, je vais d'abord appeler ma mutuelle", "cancel"),
    ("je veux parler à un humain, pas à un robot", "request_human"),
    ("j'en ai rien à foutre de vos données, je veux parler à un vrai conseiller, pas à une machine", "request_human"),
    ("je veux parler à votre responsable", "request_human"),
    ("désolée je dois partir, je reviens ce soir pour finir", "pause"),
    ("att jdois y aller jfinirai + tard", "pause"), ("bon j'ai pas le temps là, je reviendrai plus tard", "pause"),
    ("attendez, je parle à une vraie personne ou à un robot là ?", "bot_question"),
    ("vous êtes un robot ?", "bot_question"),
    ("j'ai parlé à un agent au guichet", None), ("j'ai déjà parlé à votre responsable", None),
])
def test_interrupt_short_explicit_message_is_recognised(text: str, kind: str | None) -> None:
    assert detect_interrupt(text) == kind


@pytest.mark.parametrize("text", [
    "le conseiller", "un conseiller en agence", "M. Petit, le conseiller", "aucune", "stop aux factures fausses de 412 euros",
    "Le 14 octobre, l'agent m'a dit d'annuler ma commande et de tout recommencer depuis le début, ce qui est absurde",
    "personne", "Mons", "l'annulation de la facture", "quelqu'un au guichet",
])
def test_interrupt_possible_answer_is_not_an_interruption(text: str) -> None:
    assert detect_interrupt(text) is None
