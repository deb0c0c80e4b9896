"""Dialect-aware statements shared by the services (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, table: Table, values: dict[str, Any], index_elements: list[str]) -> int:
    """INSERT … ON CONFLICT DO NOTHING; returns the number of rows inserted (0 or 1).

    Counted with RETURNING: psycopg does not report a rowcount for this INSERT."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(table).values(**values).on_conflict_do_nothing(index_elements=index_elements)
        .returning(table.c[index_elements[0]])
    )
    return len(session.execute(stmt).all())


def upsert_increment(
    session: Session, table: Table, values: dict[str, Any], index_elements: list[str], column: str, by: int = 1
) -> int:
    """INSERT the row with `column` = by, or add `by` to it; returns the new value."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(table).values(**values, **{column: by})
        .on_conflict_do_update(index_elements=index_elements, set_={column: table.c[column] + by})
        .returning(table.c[column])
    )
    return int(session.execute(stmt).scalar_one())
