-- Who started a run from the dashboard: its login user name. The command line and the scheduler write
-- nothing here (the run's trigger says which started it). A table of its own, not a column of runs: the
-- dashboard writes it before the run begins, when the run's own row does not exist yet.
CREATE TABLE run_starters (
  run_id TEXT PRIMARY KEY,
  started_by TEXT NOT NULL
);
