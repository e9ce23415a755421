import { readFileSync } from 'node:fs';
import { T2aError } from '../../core/errors.ts';
import { mappingFromCsv, mappingToCsv } from '../../core/mapping-table.ts';
import { type ApplyResult, applyMapping, exportMapping } from '../../jobs/mapping.ts';
import { setupAttribute } from '../../jobs/setup.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { EXIT, exitCodeForFindings } from '../exit-codes.ts';

export function mappingExportCommand(options: ConfigOptions & { job?: string }): Promise<number> {
  return withContext(options, {}, async (ctx) => {
    process.stdout.write(mappingToCsv(await exportMapping(ctx, options.job)));
    return EXIT.OK;
  });
}

function renderApplied(result: ApplyResult): string {
  const out: string[] = [];
  if (result.changes.length === 0)
    out.push('No changes: the indicators already carry these codes.');
  for (const change of result.changes) {
    out.push(
      `${change.name} (${change.programIndicator}): ${change.field} "${change.from}" → "${change.to}"`,
    );
  }
  if (result.refused.length > 0) {
    out.push(
      `\n✖ Nothing was written; these codes do not fit the target:\n${result.refused.map((line) => `  - ${line}`).join('\n')}`,
    );
  } else {
    out.push(
      result.dryRun
        ? '\nDry run: nothing was written.'
        : `\n${result.written} program indicator(s) updated.`,
    );
  }
  return out.join('\n');
}

export function mappingApplyCommand(
  file: string,
  options: ConfigOptions & { job?: string; dryRun?: boolean },
): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new T2aError('usage', `Cannot read ${file}: ${(error as Error).message}.`, {
      fix: 'Name the CSV that `t2a mapping export` wrote.',
    });
  }
  return withContext(options, {}, async (ctx) => {
    const result = await applyMapping(ctx, mappingFromCsv(text, file), {
      job: options.job,
      dryRun: options.dryRun ?? false,
    });
    process.stdout.write(`${renderApplied(result)}\n`);
    return exitCodeForFindings(result.refused.length);
  });
}

export function setupAttributeCommand(
  options: ConfigOptions & { connection?: string; attribute?: string },
): Promise<number> {
  return withContext(options, {}, async (ctx) => {
    const name = options.connection ?? ctx.config.config.jobs[0]?.source;
    if (!name)
      throw new T2aError('usage', 'Name the source connection with --connection.', {
        fix: `Connections: ${[...ctx.config.connections.keys()].join(', ')}.`,
      });
    const client = ctx.clients.client(name);
    const result = await setupAttribute(client, options.attribute);
    const said = {
      found: 'already exists and applies to program indicators',
      created: 'created',
      enabled: 'existed; now applies to program indicators',
    };
    process.stdout.write(
      `Mapping attribute ${result.attribute} on ${client.name}: ${said[result.action]}.\n`,
    );
    return EXIT.OK;
  });
}
