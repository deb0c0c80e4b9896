"""Senders in the logs: a keyed hash, so that a phone number cannot be found again by hashing
every number, yet the same sender keeps the same id across workers of one installation. Secret
files (the engine token, the dashboard's signing key): private from their creation."""

from __future__ import annotations

import hashlib

from bot.channels import relay


def test_log_pseudonym_is_not_an_unkeyed_hash_of_the_phone_number() -> None:
    relay.use_log_key("secret-of-this-installation")
    ref = relay.sender_ref("wa-32475987654")
    assert len(ref) == 12 and "32475987654" not in ref
    # what an attacker holding the logs would try: hash every number
    assert ref != hashlib.sha256(b"wa-32475987654").hexdigest()[:12]


def test_log_pseudonym_is_stable_for_one_key_and_changes_with_it() -> None:
    relay.use_log_key("key-a")
    first = relay.sender_ref("tg-123456")
    relay.use_log_key("key-a")  # another worker, or a restart, of the same installation
    assert relay.sender_ref("tg-123456") == first
    assert relay.sender_ref("tg-123457") != first
    relay.use_log_key("key-b")
    assert relay.sender_ref("tg-123456") != first


def test_secret_files_are_created_private_and_kept(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os
    import stat

    from bot.config import ensure_secret_file, ensure_token
    from bot.staff.session import load_key

    seen_modes = []
    real_open = os.open

    def spy(path, flags, mode=0o777, *a, **kw):  # type: ignore[no-untyped-def]
        seen_modes.append((str(path), mode))
        return real_open(path, flags, mode, *a, **kw)

    monkeypatch.setattr(os, "open", spy)
    monkeypatch.setattr(os, "umask", os.umask)  # the umask is whatever the operator has
    old = os.umask(0o022)
    try:
        token = ensure_token(tmp_path)
        key = load_key(tmp_path)
    finally:
        os.umask(old)
    for name in ("rasa_token", "staff_session_key"):
        path = tmp_path / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert (str(path), 0o600) in seen_modes  # created with mode 600, not chmod-ed afterwards
    assert ensure_token(tmp_path) == token and load_key(tmp_path) == key  # kept, not replaced
    assert ensure_secret_file(tmp_path / "rasa_token", lambda: "other") == token
