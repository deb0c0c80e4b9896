"""Repository methods the staff use cases read and write through (bot.services.staff), on a real
database (SQLite and PostgreSQL): staff accounts and tokens, a page of the registry, the
documents of listed complaints, a complaint's bookkeeping."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.policies import load_policy
from bot.services import filing
from bot.services._records import ACK_PENDING, ANSWER_PENDING, summary
from bot.services.attachments import record_attachment
from bot.services.uow import Registry
from bot.storage.repository import ComplaintSearch
from tests.sample_data import CITIZEN, FRIDAY


@pytest.fixture
def registry(migrated_db_url: str) -> Iterator[Registry]:
    reg = Registry.from_url(migrated_db_url)
    yield reg
    reg.dispose()


def test_staff_repository_accounts_and_tokens(registry: Registry) -> None:
    token = hashlib.sha256(b"t").hexdigest()
    with registry.unit_of_work() as uow:
        account, created = uow.staff.upsert("agent@org.be", "agent", now=FRIDAY, password_hash="$scrypt$x")
        assert created and (account.role, account.active, account.can_answer) == ("agent", True, False)
        again, created = uow.staff.upsert("agent@org.be", "manager", now=FRIDAY + timedelta(days=1), can_answer=True)
        assert not created and again.created_at == FRIDAY and again.password_hash == "$scrypt$x"
        assert (again.role, again.can_answer) == ("manager", True)
        uow.staff.upsert("boss@org.be", "admin", now=FRIDAY)
        uow.staff.add_token("agent@org.be", token, now=FRIDAY)
        uow.commit()
    with registry.unit_of_work() as uow:
        assert [a.email for a in uow.staff.all()] == ["agent@org.be", "boss@org.be"]
        owner = uow.staff.by_token(token)
        assert owner is not None and owner.email == "agent@org.be"
        assert uow.staff.get("nobody@org.be") is None and uow.staff.revoke_tokens("nobody@org.be") is None
        assert uow.staff.revoke_tokens("agent@org.be") == 1
        assert uow.staff.revoke_tokens("agent@org.be") == 0
        assert uow.staff.by_token(token) is None
        uow.staff.add_token("agent@org.be", hashlib.sha256(b"u").hexdigest(), now=FRIDAY)
        off = uow.staff.deactivate("agent@org.be")
        assert off is not None and not off.active
        assert uow.staff.by_token(hashlib.sha256(b"u").hexdigest()) is None
        assert uow.staff.deactivate("nobody@org.be") is None
        uow.commit()


def test_complaint_search_page_documents_and_bookkeeping(registry: Registry, tmp_path: Path) -> None:
    igretec = load_policy("igretec")
    doc = record_attachment(registry, conversation_id="c", filename="a.pdf", media_type="application/pdf", size=4,
                            sha256="ab" * 32, stored_path=str(tmp_path / "a"), now=FRIDAY)
    refs = [filing.file_complaint(registry, igretec, {**CITIZEN, "subject": subject, "attachments": attachments},
                                  channel="webchat", intake_key=f"k{i}", now=FRIDAY + timedelta(days=i))["reference"]
            for i, (subject, attachments) in enumerate((("facture", [doc["id"]]), ("accueil", [])))]
    today = FRIDAY.date() + timedelta(days=60)
    with registry.unit_of_work() as uow:
        total, rows = uow.complaints.search(ComplaintSearch(today=today), limit=1, offset=0)
        assert total == 2 and [r["reference"] for r in rows] == [refs[1]]  # newest first
        assert summary(rows[0], today)["overdue"] is True
        late = ComplaintSearch(today=today, overdue=True, ack_pending=ACK_PENDING, answer_pending=ANSWER_PENDING)
        assert uow.complaints.search(late, limit=10, offset=0)[0] == 2
        on_time = ComplaintSearch(today=today, overdue=False, ack_pending=ACK_PENDING, answer_pending=ANSWER_PENDING)
        assert uow.complaints.search(on_time, limit=10, offset=0)[0] == 0
        words = ComplaintSearch(today=today, words=["FACT"], statuses=["received"], policy="igretec")
        assert [r["reference"] for r in uow.complaints.search(words, limit=10, offset=0)[1]] == [refs[0]]
        documents = uow.complaints.attachments_by_reference(refs)
        assert list(documents) == [refs[0]] and [a.id for a in documents[refs[0]]] == [doc["id"]]
        complaint = uow.complaints.get(refs[1], for_update=True)
        assert complaint is not None
        assert uow.complaints.bookkeeping(complaint).intake_key == "k1"
        uow.complaints.set_assignee(complaint, "agent@org.be")
        uow.complaints.save(complaint, now=FRIDAY + timedelta(days=2))
        uow.commit()
    with registry.unit_of_work(read_only=True) as uow:
        mine = ComplaintSearch(today=today, assigned_to="agent@org.be")
        assert [r["reference"] for r in uow.complaints.search(mine, limit=10, offset=0)[1]] == [refs[1]]
