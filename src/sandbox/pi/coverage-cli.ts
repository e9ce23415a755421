import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describeAbsence, findRealPackages, PACKAGES_FIX } from '../real-packages.ts';
import { measureProgramIndicatorCoverage } from './coverage.ts';

/** What the command could not do: printed with its fix, exit code 2. */
export class CoverageInputError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** The files to measure: those named, else every file of the real packages (refused when absent). */
export function coverageFiles(named: readonly string[]): string[] {
  if (named.length > 0) return [...named];
  const packages = findRealPackages();
  if (!packages.available)
    throw new CoverageInputError(
      `${describeAbsence(packages)} Without packages there is nothing to measure.`,
      `${PACKAGES_FIX} Or name your own: t2a sandbox coverage --metadata FILE.`,
    );
  return packages.manifest.map((entry) => join(packages.dir, entry.file));
}

function readPackage(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CoverageInputError(
      `Cannot read the metadata package ${file}: ${(error as Error).message}.`,
      'Name a DHIS2 metadata export in JSON (as /api/metadata gives it).',
    );
  }
}

/** `t2a sandbox coverage`: how many program indicators the sandbox evaluates, for every package read. */
export function printCoverage(named: readonly string[]): void {
  const packages = coverageFiles(named).map((file) => ({
    name: basename(file),
    metadata: readPackage(file),
  }));
  const report = measureProgramIndicatorCoverage(packages);
  for (const pkg of report.packages) {
    if (pkg.total === 0) {
      process.stdout.write(`${pkg.name}: no program indicators (read for its other metadata)\n`);
      continue;
    }
    process.stdout.write(
      `${pkg.name}: ${pkg.evaluable} of ${pkg.total} program indicators evaluated\n`,
    );
    for (const failure of pkg.failures)
      process.stdout.write(`  ✖ ${failure.name} (${failure.id}): ${failure.reason}\n`);
    for (const failure of pkg.failingInDhis2)
      process.stdout.write(
        `  ⚠ ${failure.name} (${failure.id}), answered with DHIS2's own error: ${failure.reason}\n`,
      );
  }
  const share = report.total === 0 ? 0 : (100 * report.evaluable) / report.total;
  process.stdout.write(
    `Total: ${report.evaluable} of ${report.total} program indicators (${share.toFixed(1)} %) in ${packages.length} package(s) evaluated by the sandbox as DHIS2 does (with values, or with DHIS2's own error where it cannot run them either).\n`,
  );
}
