-- Run history: one row per job run, with its whole report, so `t2a show` needs no log.
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  job TEXT NOT NULL,
  trigger TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  periods TEXT NOT NULL DEFAULT '[]',
  dry_run INTEGER NOT NULL DEFAULT 0,
  t2a_version TEXT NOT NULL,
  source_version TEXT,
  target_versions TEXT NOT NULL DEFAULT '[]',
  exported INTEGER NOT NULL DEFAULT 0,
  sent INTEGER NOT NULL DEFAULT 0,
  imported INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  ignored INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  withheld INTEGER NOT NULL DEFAULT 0,
  conflicted INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  report TEXT
);
CREATE INDEX runs_job_started ON runs (job, started_at);

-- One run of a job at a time, also across processes.
CREATE TABLE job_locks (
  job TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  holder TEXT NOT NULL,
  acquired_at TEXT NOT NULL
);
