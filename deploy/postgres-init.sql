-- The engine's tracker store lives in its own database (the registry is POSTGRES_DB).
CREATE DATABASE tracker OWNER app;
