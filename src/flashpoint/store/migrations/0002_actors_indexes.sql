-- migration 0002: the actors table (distinct actors seen, rebuilt from events on every
-- write), a write timestamp on events, and indexes for the common query filters.
CREATE TABLE IF NOT EXISTS actors (
    code VARCHAR PRIMARY KEY,
    name VARCHAR,
    country VARCHAR,
    agent VARCHAR,
    count INTEGER
);

ALTER TABLE events ADD COLUMN written_at TIMESTAMP;

CREATE INDEX IF NOT EXISTS events_doc_id ON events (doc_id);
CREATE INDEX IF NOT EXISTS events_date ON events (date);
