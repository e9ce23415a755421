import Database from 'better-sqlite3';

/**
 * The sandbox's state. Metadata objects are kept whole as JSON, as DHIS2 exports them; tracker data,
 * the analytics snapshot and aggregate data values have their own tables.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS metadata (
  type TEXT NOT NULL, id TEXT NOT NULL, code TEXT, name TEXT, json TEXT NOT NULL,
  PRIMARY KEY (type, id)
);
CREATE INDEX IF NOT EXISTS metadata_code ON metadata (type, code);

CREATE TABLE IF NOT EXISTS credentials (
  username TEXT PRIMARY KEY, password TEXT NOT NULL, user_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
  token TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires TEXT
);

CREATE TABLE IF NOT EXISTS tracked_entities (
  id TEXT PRIMARY KEY, tracked_entity_type TEXT, org_unit TEXT NOT NULL,
  attributes TEXT NOT NULL DEFAULT '{}', created TEXT NOT NULL, last_updated TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS enrollments (
  id TEXT PRIMARY KEY, tracked_entity TEXT, program TEXT NOT NULL, org_unit TEXT NOT NULL,
  enrolled_at TEXT NOT NULL, occurred_at TEXT, status TEXT NOT NULL DEFAULT 'ACTIVE',
  created TEXT NOT NULL, last_updated TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS enrollments_program ON enrollments (program);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, enrollment TEXT, program TEXT NOT NULL, program_stage TEXT NOT NULL,
  org_unit TEXT NOT NULL, occurred_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'COMPLETED',
  data_values TEXT NOT NULL DEFAULT '{}', created TEXT NOT NULL, last_updated TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS events_program ON events (program);
CREATE INDEX IF NOT EXISTS events_enrollment ON events (enrollment);
-- Relationships between tracker objects (one row each, bidirectional or not, as DHIS2 keeps them);
-- soft-deleted from 2.39, removed before (Relationship is a SoftDeletableObject from 2.39).
CREATE TABLE IF NOT EXISTS relationships (
  id TEXT PRIMARY KEY, relationship_type TEXT NOT NULL,
  from_type TEXT NOT NULL, from_id TEXT NOT NULL, to_type TEXT NOT NULL, to_id TEXT NOT NULL,
  created TEXT NOT NULL, last_updated TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS relationships_from ON relationships (from_id);
CREATE INDEX IF NOT EXISTS relationships_to ON relationships (to_id);
-- Event fields the events table has no column for (scheduledAt, completedAt, storedBy), by event.
CREATE TABLE IF NOT EXISTS event_details (
  id TEXT PRIMARY KEY, scheduled_at TEXT, completed_at TEXT, stored_by TEXT
);

-- The analytics tables: a copy of the tracker data taken by the last analytics run. Program indicators
-- are evaluated from these, so data written after the run is not in analytics, as in DHIS2.
CREATE TABLE IF NOT EXISTS analytics_tracked_entities AS SELECT * FROM tracked_entities WHERE 0;
CREATE TABLE IF NOT EXISTS analytics_enrollments AS SELECT * FROM enrollments WHERE 0;
CREATE TABLE IF NOT EXISTS analytics_events AS SELECT * FROM events WHERE 0;
-- Pre-aggregated analytics values seeded directly (benchmarks): dx is a program indicator UID.
CREATE TABLE IF NOT EXISTS analytics_values (
  dx TEXT NOT NULL, period TEXT NOT NULL, org_unit TEXT NOT NULL, value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS analytics_values_key ON analytics_values (dx, period, org_unit);

-- One B-tree, keyed as imports look a value up and as exports read a scope (period, org unit).
CREATE TABLE IF NOT EXISTS data_values (
  data_element TEXT NOT NULL, period TEXT NOT NULL, org_unit TEXT NOT NULL,
  category_option_combo TEXT NOT NULL, attribute_option_combo TEXT NOT NULL,
  value TEXT, stored_by TEXT, created TEXT NOT NULL, last_updated TEXT NOT NULL, comment TEXT,
  followup INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (period, org_unit, data_element, category_option_combo, attribute_option_combo)
) WITHOUT ROWID;

-- Data value audits (\`datavalueaudit\`), in the order written: see data-values/audits.ts for when.
CREATE TABLE IF NOT EXISTS data_value_audits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  data_element TEXT NOT NULL, period TEXT NOT NULL, org_unit TEXT NOT NULL,
  category_option_combo TEXT NOT NULL, attribute_option_combo TEXT NOT NULL,
  value TEXT, modified_by TEXT, created TEXT NOT NULL, audit_type TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS data_value_audits_cell ON data_value_audits (data_element, period, org_unit);

CREATE TABLE IF NOT EXISTS complete_registrations (
  data_set TEXT NOT NULL, period TEXT NOT NULL, org_unit TEXT NOT NULL,
  attribute_option_combo TEXT NOT NULL, date TEXT NOT NULL, stored_by TEXT,
  completed INTEGER NOT NULL DEFAULT 1, last_updated TEXT NOT NULL, last_updated_by TEXT,
  PRIMARY KEY (data_set, period, org_unit, attribute_option_combo)
);

CREATE TABLE IF NOT EXISTS message_conversations (
  id TEXT PRIMARY KEY, subject TEXT NOT NULL, text TEXT NOT NULL, sender TEXT,
  recipients TEXT NOT NULL, created TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS task_notifications (
  job_id TEXT NOT NULL, category TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE IF NOT EXISTS system_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export type SandboxDb = Database.Database;

/** Opens (and creates) the sandbox database; `:memory:` unless a file is named. */
export function openSandboxDb(file = ':memory:'): SandboxDb {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return db;
}

export function readSystemState(db: SandboxDb, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM system_state WHERE key = ?').get(key) as
    | { value: string }
    | undefined;
  return row?.value;
}

export function writeSystemState(db: SandboxDb, key: string, value: string): void {
  db.prepare(
    'INSERT INTO system_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
