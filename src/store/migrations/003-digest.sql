-- Notifications held for the daily digest (jobs with notify: digest), sent once a day by t2a serve.
CREATE TABLE pending_notifications (
  id TEXT PRIMARY KEY,
  job TEXT NOT NULL,
  run_id TEXT,
  outcome TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL
);
