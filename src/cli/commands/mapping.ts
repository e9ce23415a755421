import { readFileSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import { T2aError } from '../../core/errors.ts';
import { mappingFromCsv, mappingToCsv } from '../../core/mapping-table.ts';
import { Dhis2Client } from '../../dhis2/client.ts';
import { applyMapping, exportMapping } from '../../jobs/mapping.ts';
import { setupAttribute } from '../../jobs/setup.ts';
import { createLogger } from '../../log.ts';
import { EXIT } from '../exit-codes.ts';

function prepare(configFile: string) {
  const loaded = loadConfig(configFile);
  const logger = createLogger({
    file: loaded.logFile,
    level: loaded.config.log.level,
    secrets: loaded.secrets,
  });
  return { loaded, logger };
}

export async function mappingExportCommand(options: {
  config: string;
  job?: string;
}): Promise<number> {
  const { loaded, logger } = prepare(options.config);
  process.stdout.write(mappingToCsv(await exportMapping(loaded, logger, options.job)));
  return EXIT.OK;
}

export async function mappingApplyCommand(
  file: string,
  options: { config: string; job?: string; dryRun?: boolean },
): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new T2aError('usage', `Cannot read ${file}: ${(error as Error).message}.`, {
      fix: 'Name the CSV that `t2a mapping export` wrote.',
    });
  }
  const { loaded, logger } = prepare(options.config);
  const result = await applyMapping(loaded, logger, mappingFromCsv(text, file), {
    job: options.job,
    dryRun: options.dryRun ?? false,
  });
  const out = process.stdout;
  if (result.changes.length === 0)
    out.write('No changes: the indicators already carry these codes.\n');
  for (const change of result.changes) {
    out.write(
      `${change.name} (${change.programIndicator}): ${change.field} "${change.from}" → "${change.to}"\n`,
    );
  }
  if (result.refused.length > 0) {
    out.write(
      `\n✖ Nothing was written; these codes do not fit the target:\n${result.refused.map((line) => `  - ${line}`).join('\n')}\n`,
    );
    return EXIT.VALIDATION;
  }
  out.write(
    result.dryRun
      ? '\nDry run: nothing was written.\n'
      : `\n${result.written} program indicator(s) updated.\n`,
  );
  return EXIT.OK;
}

export async function setupAttributeCommand(options: {
  config: string;
  connection?: string;
  attribute?: string;
}): Promise<number> {
  const { loaded, logger } = prepare(options.config);
  const name = options.connection ?? loaded.config.jobs[0]?.source;
  const connection = name ? loaded.connections.get(name) : undefined;
  if (!connection)
    throw new T2aError('usage', `No connection named "${name}".`, {
      fix: `Connections: ${[...loaded.connections.keys()].join(', ')}.`,
    });
  const result = await setupAttribute(new Dhis2Client(connection, logger), options.attribute);
  const said = {
    found: 'already exists and applies to program indicators',
    created: 'created',
    enabled: 'existed; now applies to program indicators',
  };
  process.stdout.write(
    `Mapping attribute ${result.attribute} on ${connection.name}: ${said[result.action]}.\n`,
  );
  return EXIT.OK;
}
