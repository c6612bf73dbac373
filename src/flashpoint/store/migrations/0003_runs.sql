-- migration 0003: one row per `flashpoint code --db` run: which flashpoint and which coding
-- settings wrote into the store, on which inputs, and how the run ended; a local `--resume`
-- checks its settings against the last run of the same inputs.
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    engine VARCHAR,
    flashpoint VARCHAR,
    inputs VARCHAR,
    settings VARCHAR,
    resumes VARCHAR,
    status VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    articles INTEGER,
    events INTEGER,
    errors INTEGER
);
