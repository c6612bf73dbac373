-- migration 0004: per actor code, how many event sides (source or target) carry each
-- (name, country, agent). A write changes the few rows of the codes it touches and rebuilds
-- their `actors` rows from them, instead of recounting those codes over every event.
CREATE TABLE IF NOT EXISTS actor_sides (
    code VARCHAR,
    name VARCHAR,
    country VARCHAR,
    agent VARCHAR,
    n BIGINT
);

INSERT INTO actor_sides (code, name, country, agent, n)
SELECT code, name, country, agent, count(*)
FROM (
    SELECT source_code AS code, source_name AS name, source_country AS country, source_agent AS agent
    FROM events
    UNION ALL
    SELECT target_code, target_name, target_country, target_agent FROM events
) sides
WHERE code IS NOT NULL
GROUP BY code, name, country, agent;

CREATE INDEX IF NOT EXISTS actor_sides_code ON actor_sides (code);
