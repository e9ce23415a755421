-- One ledger row per value meant three B-trees to update for every value written (a national run spent
-- more time keeping its ledger than moving its data). The ledger now keeps one row per (target, period,
-- org unit, job) with that scope's values as JSON, read and written whole by the chunk that covers it.
-- `known_at`: the target's clock when t2a last learnt what the scope holds. The JSON goes last and the
-- table keeps its rowid: rows of a kilobyte or more would spill a WITHOUT ROWID table's pages, and every
-- read of `known_at` would follow them.
CREATE TABLE ledger_scopes (
  target TEXT NOT NULL,
  period TEXT NOT NULL,
  org_unit TEXT NOT NULL,
  job TEXT NOT NULL,
  known_at TEXT,
  written_at TEXT NOT NULL,
  entries TEXT NOT NULL,
  PRIMARY KEY (target, period, org_unit, job)
);
INSERT INTO ledger_scopes (target, period, org_unit, job, entries, written_at)
  SELECT target, period, org_unit, job,
         json_group_array(json_array(data_element, category_option_combo, attribute_option_combo, value, run_id)),
         MAX(written_at)
  FROM ledger GROUP BY target, period, org_unit, job;
DROP TABLE ledger;
