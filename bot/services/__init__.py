"""Use cases: filing, status lookup, staff actions, retention. They own the transactions
(a `UnitOfWork` from a `Registry`), take primitives and return primitives or dicts."""
