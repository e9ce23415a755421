-- What a quiet night needs from the last one (ADR 11): per job, the facts of the last export that
-- delivered every chunk (the analytics run it read, when the last full export ran, fingerprints of the
-- indicators, org units and job, its periods), and every place t2a saw each tracker record in.
CREATE TABLE export_facts (
  job TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  facts TEXT NOT NULL
);
CREATE TABLE tracker_places (
  job TEXT NOT NULL,
  record TEXT NOT NULL,
  place TEXT NOT NULL,
  PRIMARY KEY (job, record, place)
);
