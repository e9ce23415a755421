-- Values a run found stale, held here from the chunk that found them to the end of the job, rather than
-- in memory: a job that clears a whole period would otherwise hold every one of them, and send them in
-- one request. One run per job at a time (the job's lock), so (target, job) is the key; rows a dead run
-- left are dropped when the job next starts.
CREATE TABLE stale_values (
  target TEXT NOT NULL,
  job TEXT NOT NULL,
  data_element TEXT NOT NULL,
  period TEXT NOT NULL,
  org_unit TEXT NOT NULL,
  category_option_combo TEXT NOT NULL,
  attribute_option_combo TEXT NOT NULL,
  value TEXT NOT NULL,
  stored_by TEXT,
  last_updated TEXT,
  action TEXT NOT NULL
);
CREATE INDEX stale_values_job ON stale_values (target, job);
