-- The ledger: every value t2a wrote, so that only t2a's own values are ever cleared when the export
-- stops producing them. Keyed as the target stores them (codes, the target's org unit ids).
CREATE TABLE ledger (
  target TEXT NOT NULL,
  job TEXT NOT NULL,
  data_element TEXT NOT NULL,
  period TEXT NOT NULL,
  org_unit TEXT NOT NULL,
  category_option_combo TEXT NOT NULL,
  attribute_option_combo TEXT NOT NULL,
  value TEXT NOT NULL,
  run_id TEXT NOT NULL,
  written_at TEXT NOT NULL,
  PRIMARY KEY (target, data_element, period, org_unit, category_option_combo, attribute_option_combo)
);
CREATE INDEX ledger_job_period ON ledger (target, job, period);

-- Every value a run deleted (or zeroed), recorded before the deletion, so `t2a restore` can put it back.
CREATE TABLE deletions (
  run_id TEXT NOT NULL,
  target TEXT NOT NULL,
  data_element TEXT NOT NULL,
  period TEXT NOT NULL,
  org_unit TEXT NOT NULL,
  category_option_combo TEXT NOT NULL,
  attribute_option_combo TEXT NOT NULL,
  value TEXT NOT NULL,
  stored_by TEXT,
  last_updated TEXT,
  action TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX deletions_run ON deletions (run_id);
