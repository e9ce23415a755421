-- A chunk reads the ledger for its periods and org units: by (target, job, period) alone that read
-- scanned every org unit of the period, once per chunk, so a national run read the ledger quadratically.
-- The new index serves every query the old one served, so the old one goes (one index less to keep up
-- on each write).
CREATE INDEX ledger_scope ON ledger (target, job, period, org_unit);
DROP INDEX ledger_job_period;
