import type { ImportResult } from '../../core/import-summary.ts';
import type { HeldValue } from '../../core/reconcile.ts';
import { type AdoptResult, adoptValues } from '../../jobs/adopt.ts';
import { resolveJob } from '../../jobs/resolve-job.ts';
import { restoreRun } from '../../jobs/restore.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { EXIT, exitCodeForImports } from '../exit-codes.ts';

const describeValue = (value: HeldValue) =>
  `  ${value.dataElement} ${value.categoryOptionCombo ?? 'default'} ${value.period} ${value.orgUnit} = ${value.value} (stored by ${value.storedBy ?? '?'})`;

function renderAdopted(results: readonly AdoptResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${result.target}: ${result.values.length} value(s) in the cells chosen`);
    lines.push(...result.values.slice(0, 20).map(describeValue));
    if (result.values.length > 20) lines.push(`  … and ${result.values.length - 20} more`);
  }
  lines.push(
    results.every((result) => result.recorded)
      ? 'Recorded as t2a’s own: the next run sends the tracker’s values into these cells, and clears them when the export stops producing them.'
      : 'Nothing recorded. Run again with --yes to adopt these values.',
  );
  return lines.join('\n');
}

export function adoptCommand(
  options: ConfigOptions & {
    job?: string;
    yes?: boolean;
    period?: string[];
    dataElement?: string[];
    orgUnit?: string[];
  },
): Promise<number> {
  return withContext(options, { store: true }, async (ctx) => {
    const resolved = await resolveJob(ctx, options.job, { periods: options.period, dryRun: true });
    const results = await adoptValues(ctx.store, resolved, {
      confirm: options.yes === true,
      dataElements: options.dataElement,
      orgUnits: options.orgUnit,
    });
    process.stdout.write(`${renderAdopted(results)}\n`);
    return EXIT.OK;
  });
}

const countRefused = (result: ImportResult) =>
  result.conflicts.reduce((sum, conflict) => sum + conflict.count, 0);

export function restoreCommand(
  runId: string,
  options: ConfigOptions & { dryRun?: boolean },
): Promise<number> {
  return withContext(options, { store: true }, async (ctx) => {
    const restored = await restoreRun(ctx, runId, options.dryRun === true);
    if (restored.values === 0) {
      process.stdout.write(`Run ${restored.runId} deleted nothing.\n`);
      return EXIT.OK;
    }
    for (const { target, values, taken, result } of restored.targets) {
      const c = result.counts;
      const back =
        options.dryRun === true
          ? `would put back ${values - countRefused(result)} of ${values}`
          : taken === undefined
            ? `sent ${values} (DHIS2 did not say which it refused; the next run settles them)`
            : `put back ${taken} of ${values}`;
      process.stdout.write(
        `${target}: ${back}: ${c.imported} imported, ${c.updated} updated, ${c.ignored} ignored, ${result.conflicts.length} conflict(s)\n`,
      );
      for (const conflict of result.conflicts.slice(0, 5))
        process.stdout.write(`  DHIS2: ${conflict.message}\n`);
    }
    process.stdout.write(
      `${options.dryRun ? 'Dry run: nothing was written' : 'Done'}; run ${restored.runId} had deleted ${restored.values} value(s).\n`,
    );
    return exitCodeForImports(restored.targets.map(({ result }) => result));
  });
}
