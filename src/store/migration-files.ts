import { readdirSync } from 'node:fs';

/**
 * The numbered migrations for a database, in order: `NNN-name.sql` for both, `NNN-name.sqlite.sql` or
 * `NNN-name.postgres.sql` where the two SQL dialects differ (moving data between tables).
 */
export function migrationFiles(
  dir: URL,
  dialect: 'sqlite' | 'postgres',
): { file: string; version: number }[] {
  const other = dialect === 'sqlite' ? '.postgres.sql' : '.sqlite.sql';
  return readdirSync(dir)
    .filter((file) => /^\d{3}-.+\.sql$/.test(file) && !file.endsWith(other))
    .sort()
    .map((file) => ({ file, version: Number(file.slice(0, 3)) }));
}
