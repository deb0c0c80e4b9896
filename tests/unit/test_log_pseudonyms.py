"""Senders in the logs: a keyed hash, so that a phone number cannot be found again by hashing
every number, yet the same sender keeps the same id across workers of one installation."""

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
