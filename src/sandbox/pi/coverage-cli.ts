import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureProgramIndicatorCoverage } from './coverage.ts';

/** The real packages beside the project (`../shared/fixtures`), used when no file is named. */
export function defaultFixtureFiles(): string[] {
  const root = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(root, entry.name))
        .filter((file) => file.endsWith('.json'))
        .map((file) => join(root, entry.name, file)),
    );
}

/** `t2a sandbox coverage`: prints how many program indicators the sandbox evaluates, per package. */
export function printCoverage(files: readonly string[]): void {
  const chosen = files.length > 0 ? files : defaultFixtureFiles();
  const packages = chosen.map((file) => ({
    name: basename(file),
    metadata: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>,
  }));
  const report = measureProgramIndicatorCoverage(packages);
  for (const pkg of report.packages.filter((p) => p.total > 0)) {
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
    `Total: ${report.evaluable} of ${report.total} program indicators (${share.toFixed(1)} %) evaluated by the sandbox as DHIS2 does (with values, or with DHIS2's own error where it cannot run them either).\n`,
  );
}
