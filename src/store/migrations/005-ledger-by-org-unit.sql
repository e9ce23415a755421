-- A chunk reads the ledger for its periods and org units: by (target, job, period) alone that read
-- scanned every org unit of the period, once per chunk, so a national run read the ledger quadratically.
CREATE INDEX ledger_scope ON ledger (target, job, period, org_unit);
