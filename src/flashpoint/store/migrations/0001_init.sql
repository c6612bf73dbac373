-- flashpoint store schema, migration 0001: articles, sentences, events, errors.
-- Written in the SQL subset shared by DuckDB and PostgreSQL.
CREATE TABLE IF NOT EXISTS articles (
    doc_id VARCHAR PRIMARY KEY,
    title VARCHAR,
    url VARCHAR,
    source VARCHAR,
    published DATE,
    published_source VARCHAR,
    origin VARCHAR,
    text VARCHAR,
    clean_text VARCHAR,
    meta VARCHAR,
    unknown_actors VARCHAR,
    n_sentences INTEGER,
    n_events INTEGER,
    coded_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS sentences (
    doc_id VARCHAR NOT NULL,
    sentence_index INTEGER NOT NULL,
    text VARCHAR,
    start_offset INTEGER,
    end_offset INTEGER,
    paragraph INTEGER,
    PRIMARY KEY (doc_id, sentence_index)
);

CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    sentence_index INTEGER,
    sentence VARCHAR,
    source_text VARCHAR,
    source_name VARCHAR,
    source_code VARCHAR,
    source_country VARCHAR,
    source_agent VARCHAR,
    target_text VARCHAR,
    target_name VARCHAR,
    target_code VARCHAR,
    target_country VARCHAR,
    target_agent VARCHAR,
    cameo VARCHAR,
    cameo_root VARCHAR,
    cameo_name VARCHAR,
    goldstein DOUBLE PRECISION,
    quad_class INTEGER,
    plover_type VARCHAR,
    plover_mode VARCHAR,
    plover_context VARCHAR,
    modality VARCHAR,
    date DATE,
    date_precision VARCHAR,
    date_phrase VARCHAR,
    date_inferred BOOLEAN,
    location_name VARCHAR,
    location_country VARCHAR,
    location_lat DOUBLE PRECISION,
    location_lon DOUBLE PRECISION,
    location_feature VARCHAR,
    quote_text VARCHAR,
    quote_speaker VARCHAR,
    evidence_source_start INTEGER,
    evidence_source_end INTEGER,
    evidence_trigger_start INTEGER,
    evidence_trigger_end INTEGER,
    evidence_target_start INTEGER,
    evidence_target_end INTEGER,
    confidence DOUBLE PRECISION,
    coder VARCHAR,
    ontology VARCHAR
);

CREATE TABLE IF NOT EXISTS errors (
    doc_id VARCHAR,
    stage VARCHAR,
    reason VARCHAR,
    origin VARCHAR,
    time TIMESTAMP
);
