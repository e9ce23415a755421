-- A running job renews its lock every half minute; a lock whose lease has run out (its process froze or
-- died on another machine) is taken over by the next run, which records the old run as abandoned.
ALTER TABLE job_locks ADD COLUMN renewed_at TEXT;

-- Imports about to be sent, one row per request with its values as JSON, written before the request
-- leaves and removed when its answer is in the ledger. Rows left here by a process that died mid-import
-- are settled at the job's next run against what the target holds, so the ledger learns of every value
-- t2a wrote.
CREATE TABLE ledger_intents (
  id TEXT PRIMARY KEY,
  target TEXT NOT NULL,
  job TEXT NOT NULL,
  run_id TEXT NOT NULL,
  intended_values TEXT NOT NULL,
  intended_at TEXT NOT NULL
);
CREATE INDEX ledger_intents_job ON ledger_intents (target, job);

-- A digest claims the notifications it sends and drops them only once sent: a failing mail server
-- leaves them for the next digest, and two replicas of t2a serve never send one twice.
ALTER TABLE pending_notifications ADD COLUMN claimed_at TEXT;
