-- migration 0005: the build that coded each run (flashpoint release, a digest of its package
-- files, spaCy and model releases; JSON): the release number alone stays the same across
-- edits of a checkout, and a local `--resume` under another build says so.
ALTER TABLE runs ADD COLUMN build VARCHAR;
