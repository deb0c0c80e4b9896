"""Twilio WhatsApp: signed form webhooks, media behind redirects, replies via the Messages API."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import pytest

from bot.channels.twilio import signature, valid_signature
from bot.config import Settings
from bot.services.attachments import conversation_attachments
from tests.channels.harness import PUBLIC, TW_SID, TW_TOKEN, running
from tests.channels.standins import EXE, JPEG, PDF, FakeEngine, TwilioStandIn

URL = "/channels/twilio/webhook"
OURS, CITIZEN = "whatsapp:+14155238886", "whatsapp:+32475123456"


def inbound(sid: str, body: str = "", media: list[tuple[str, str]] | None = None, **extra: str) -> dict[str, str]:
    """A Twilio WhatsApp inbound message, form fields as Twilio posts them."""
    form = {"SmsMessageSid": sid, "NumMedia": str(len(media or [])), "ProfileName": "Sophie",
            "MessageType": "document" if media else "text", "SmsSid": sid, "WaId": "32475123456",
            "SmsStatus": "received", "Body": body, "To": OURS, "NumSegments": "1", "ReferralNumMedia": "0",
            "MessageSid": sid, "AccountSid": TW_SID, "From": CITIZEN, "ApiVersion": "2010-04-01"}
    for i, (url, ctype) in enumerate(media or []):
        form[f"MediaUrl{i}"], form[f"MediaContentType{i}"] = url, ctype
    return form | extra


async def post(svc, form: dict[str, str], token: str = TW_TOKEN, sign: bool = True):  # type: ignore[no-untyped-def]
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if sign:
        headers["X-Twilio-Signature"] = signature(token, PUBLIC + URL, list(form.items()))
    return await svc.client.post(URL, content=urlencode(form), headers=headers)


def test_twilio_signature_matches_the_documented_example() -> None:
    # Twilio's documentation example ("Validating Signatures from Twilio")
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675310", "Digits": "1234", "From": "+14158675310",
              "To": "+18005551212"}
    assert signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", list(params.items())) == \
        "GvWf1cFY/Q7PnoempGyD5oXAezc="


# Twilio's published vectors ("Validating Signatures from Twilio", and twilio-python's
# tests/unit/test_request_validator.py), checked by hand with hmac before being written here.
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"),
              ("From", "+12349013030"), ("To", "+18005551212")]
LIB_PARAMS = [("CallSid", "CA1234567890ABCDE"), ("Digits", "1234"), ("From", "+14158675309"),
              ("To", "+18005551212"), ("Caller", "+14158675309")]


def library_signature(token: str, url: str, params: list[tuple[str, str]]) -> str:
    """RequestValidator.compute_signature, written out: sorted names, each name's distinct values sorted."""
    import base64
    import hmac

    names = sorted({k for k, _ in params})
    payload = url + "".join(k + v for k in names for v in sorted({v for n, v in params if n == k}))
    return base64.b64encode(hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()).decode()


def test_twilio_signature_matches_twilio_published_vectors() -> None:
    assert signature("12345", DOC_URL, DOC_PARAMS) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert signature("12345", DOC_URL, LIB_PARAMS) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert valid_signature("12345", DOC_URL, LIB_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    assert not valid_signature("12345", DOC_URL, LIB_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8")
    assert not valid_signature("54321", DOC_URL, LIB_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")


@pytest.mark.parametrize(("url", "expected"), [
    (DOC_URL.replace(".com", ".com:1234"), "RSOYDt4T1cUTdK1PDd93/VVr8B8="),  # port removed (https)
    (DOC_URL.replace(".com", ".com:1234").replace("https", "http"), "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
    (DOC_URL, "kvajT1Ptam85bY51eRf/AJRuM3w="),  # signed with :443 added
    (DOC_URL.replace("https", "http"), "0ZXoZLH/DfblKGATFgpif+LLRf4="),  # signed with :80 added
])
def test_twilio_signature_validated_with_and_without_the_port_like_the_library(url: str, expected: str) -> None:
    assert valid_signature("12345", url, LIB_PARAMS, expected)


def test_twilio_signature_repeated_parameters_follow_the_library() -> None:
    params = [("To", "+18005551212"), ("Tag", "b"), ("Tag", "a"), ("Tag", "b"), ("Body", "x")]
    expected = library_signature("12345", DOC_URL, params)
    assert signature("12345", DOC_URL, params) == expected
    # the same payload the library signs: each name's distinct values, sorted
    assert expected == library_signature("12345", DOC_URL, [("Body", "x"), ("Tag", "a"), ("Tag", "b"),
                                                            ("To", "+18005551212")])
    assert signature("12345", DOC_URL, params) != signature("12345", DOC_URL, [("Body", "x"), ("Tag", "a"),
                                                                               ("To", "+18005551212")])


async def test_twilio_webhook_with_a_repeated_parameter_signed_as_the_library_does_is_accepted(
        twilio_settings: Settings, twilio_api: TwilioStandIn, engine: FakeEngine) -> None:
    form = list(inbound("SM" + "9" * 32, "Bonjour").items()) + [("Tag", "b"), ("Tag", "a"), ("Tag", "b")]
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Twilio-Signature": library_signature(TW_TOKEN, PUBLIC + URL, form)}
    async with running(twilio_settings, engine) as svc:
        resp = await svc.client.post(URL, content=urlencode(form), headers=headers)
        await svc.drain()
    assert resp.status_code == 200 and [c["message"] for c in engine.calls] == ["Bonjour"]


async def test_twilio_text_is_relayed_and_answered_through_the_messages_api(
        twilio_settings: Settings, twilio_api: TwilioStandIn, engine: FakeEngine) -> None:
    async with running(twilio_settings, engine) as svc:
        resp = await post(svc, inbound("SM" + "a" * 32, "Bonjour"))
        await svc.drain()
    assert resp.status_code == 200 and resp.text == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    assert resp.headers["content-type"].startswith("text/xml")
    assert engine.calls == [{"sender": "tw-32475123456", "message": "Bonjour",
                             "metadata": {"channel": "whatsapp", "attachments": []}}]
    assert twilio_api.sent() == [{"From": OURS, "To": CITIZEN, "Body": "Reçu : Bonjour"}]


async def test_twilio_buttons_are_numbered_and_a_number_typed_back_is_the_choice(
        twilio_settings: Settings, twilio_api: TwilioStandIn) -> None:
    engine = FakeEngine(lambda call: [{"text": "Acceptez-vous ?", "buttons": [
        {"title": "J'accepte", "payload": "oui"}, {"title": "Je refuse", "payload": "non"}]}])
    async with running(twilio_settings, engine) as svc:
        await post(svc, inbound("SM" + "b" * 32, "Bonjour"))
        await svc.drain()
        await post(svc, inbound("SM" + "c" * 32, "2"))
        await svc.drain()
    assert twilio_api.sent()[0]["Body"].startswith("Acceptez-vous ?\n\n1. J'accepte\n2. Je refuse")
    assert [c["message"] for c in engine.calls] == ["Bonjour", "non"]


async def test_twilio_media_follows_the_redirect_with_basic_auth_and_is_stored(
        twilio_settings: Settings, twilio_api: TwilioStandIn, engine: FakeEngine) -> None:
    sid = "MM" + "d" * 32
    twilio_api.media["ME1"], twilio_api.media["ME2"] = PDF, JPEG
    media = [(twilio_api.media_url(sid, "ME1"), "application/pdf"), (twilio_api.media_url(sid, "ME2"), "image/jpeg")]
    async with running(twilio_settings, engine) as svc:
        await post(svc, inbound(sid, "", media))
        await svc.drain()
        recorded = conversation_attachments(svc.registry, "tw-32475123456")
    [call] = engine.calls
    assert call["message"] == "[document]"
    assert [a["media_type"] for a in call["metadata"]["attachments"]] == ["application/pdf", "image/jpeg"]
    assert [a["filename"] for a in recorded] == ["document-1.pdf", "document-2.jpg"]
    assert (twilio_settings.attachments_dir / hashlib.sha256(PDF).hexdigest()).exists()
    assert len(twilio_api.calls("/ME1")) == 1 and twilio_api.cdn.calls("/s3/ME1")


@pytest.mark.parametrize("kind", ["missing", "forged", "tampered"])
async def test_twilio_unsigned_or_forged_webhook_is_refused_and_nothing_processed(
        twilio_settings: Settings, twilio_api: TwilioStandIn, engine: FakeEngine, kind: str) -> None:
    form = inbound("SM" + "e" * 32, "Bonjour")
    async with running(twilio_settings, engine) as svc:
        if kind == "missing":
            resp = await post(svc, form, sign=False)
        elif kind == "forged":
            resp = await post(svc, form, token="not-the-token")
        else:
            headers = {"X-Twilio-Signature": signature(TW_TOKEN, PUBLIC + URL, list(form.items())),
                       "Content-Type": "application/x-www-form-urlencoded"}
            resp = await svc.client.post(URL, content=urlencode(form | {"Body": "Autre"}), headers=headers)
        await svc.drain()
    assert resp.status_code == (401 if kind == "missing" else 403)
    assert engine.calls == [] and twilio_api.requests == []


async def test_twilio_redelivered_message_is_processed_once(twilio_settings: Settings, twilio_api: TwilioStandIn,
                                                            engine: FakeEngine) -> None:
    form = inbound("SM" + "f" * 32, "Bonjour")
    async with running(twilio_settings, engine) as svc:
        for _ in range(2):
            assert (await post(svc, form)).status_code == 200
        await svc.drain()
    assert len(engine.calls) == 1 and len(twilio_api.sent()) == 1


async def test_twilio_refused_executable_gets_the_french_message(twilio_settings: Settings,
                                                                twilio_api: TwilioStandIn, engine: FakeEngine) -> None:
    sid = "MM" + "1" * 32
    twilio_api.media["ME9"] = EXE
    async with running(twilio_settings, engine) as svc:
        await post(svc, inbound(sid, "", [(twilio_api.media_url(sid, "ME9"), "application/pdf")]))
        await svc.drain()
    [sent] = twilio_api.sent()
    assert "n'a pas été enregistré : c'est un programme" in sent["Body"] and "Formats acceptés" in sent["Body"]
    assert engine.calls == []


async def test_twilio_is_off_without_public_base_url(make_settings, engine: FakeEngine) -> None:
    settings = make_settings(TWILIO_ACCOUNT_SID=TW_SID, TWILIO_AUTH_TOKEN=TW_TOKEN)
    async with running(settings, engine) as svc:
        resp = await post(svc, inbound("SM" + "2" * 32, "Bonjour"))
    assert resp.status_code == 404 and engine.calls == []
