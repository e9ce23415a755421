import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRealPackages } from '../src/sandbox/real-packages.ts';

/**
 * The real DHIS2/WHO packages, found through one setting (`T2A_PACKAGES`, else `../shared/fixtures`).
 * Tests that read them carry the tag below: without the packages vitest skips them as one group, and the
 * run's summary says how many and how to get them (vitest.config.ts, test/summary-reporter.ts).
 */
export const REAL_PACKAGES = findRealPackages();

/** The tag of every test that reads a real package. */
export const PACKAGES_TAG = 'real-packages';

/** Test options for a test or suite that reads the real packages. */
export const withPackages = { tags: [PACKAGES_TAG] };

/** The absolute path of a package file, e.g. `CVC_EIR/CVC_EIR_TRK_DHIS2.39.0-en.metadata.json`. */
export const packagePath = (file: string) => join(REAL_PACKAGES.dir, file);

export function readPackage(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(packagePath(file), 'utf8')) as Record<string, unknown>;
}

/** Every package file, relative to the folder (none when the packages are absent). */
export function packageFiles(): string[] {
  return REAL_PACKAGES.available ? REAL_PACKAGES.manifest.map((entry) => entry.file) : [];
}
