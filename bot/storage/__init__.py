"""Persistence: SQLAlchemy 2 models, repositories, Alembic migrations (no engine built at import)."""
