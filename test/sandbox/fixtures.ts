import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real DHIS2/WHO packages beside the project, read in place (they carry no licence to copy). */
export const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

export function fixture(relative: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, relative), 'utf8')) as Record<string, unknown>;
}

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(FIXTURES, entry.name))
        .filter((file) => file.endsWith('.json'))
        .map((file) => join(entry.name, file)),
    );
}
