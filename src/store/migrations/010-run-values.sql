-- Every value a run withheld or a target refused, with its cause and what was said of it: the report keeps
-- counts and a few names per cause; an HMIS officer asking "which values?" gets all of them here (the
-- dashboard's CSV, `t2a show --values`). Dropped with nothing else: a run's rows stay as long as the run.
CREATE TABLE run_values (
  run_id TEXT NOT NULL,
  target TEXT NOT NULL,
  cause TEXT NOT NULL,
  data_element TEXT NOT NULL,
  category_option_combo TEXT NOT NULL,
  attribute_option_combo TEXT NOT NULL,
  period TEXT NOT NULL,
  org_unit TEXT NOT NULL,
  value TEXT NOT NULL,
  message TEXT
);
CREATE INDEX run_values_run ON run_values (run_id);
