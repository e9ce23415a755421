import { loadConfig } from '../../config/load.ts';
import { T2aError } from '../../core/errors.ts';
import { validateLive } from '../../jobs/validate-live.ts';
import { validateOffline } from '../../jobs/validate-offline.ts';
import { createLogger } from '../../log.ts';
import { EXIT } from '../exit-codes.ts';
import { renderValidationReport } from '../render-validation.ts';

export interface ValidateCommandOptions {
  readonly config: string;
  readonly job?: string[];
  readonly sourceMetadata?: string[];
  readonly targetMetadata?: string[];
  readonly attribute: string;
  readonly periodType?: string;
  readonly json?: boolean;
}

export async function validateCommand(options: ValidateCommandOptions): Promise<number> {
  if (options.sourceMetadata?.length || options.targetMetadata?.length) {
    if (!options.sourceMetadata?.length || !options.targetMetadata?.length) {
      throw new T2aError(
        'usage',
        'Offline validation needs both --source-metadata and --target-metadata.',
        {
          fix: 'e.g. t2a validate --source-metadata tracker.json --target-metadata hmis.json',
        },
      );
    }
    const report = validateOffline({
      sourceFiles: options.sourceMetadata,
      targetFiles: options.targetMetadata,
      mappingAttribute: options.attribute,
      periodType: options.periodType,
    });
    process.stdout.write(
      options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderValidationReport(report)}\n`,
    );
    return report.errors > 0 ? EXIT.VALIDATION : EXIT.OK;
  }
  const loaded = loadConfig(options.config);
  const logger = createLogger({
    file: loaded.logFile,
    level: loaded.config.log.level,
    secrets: loaded.secrets,
  });
  const report = await validateLive(loaded, logger, options.job);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const job of report.jobs) {
      const errors = job.findings.filter((f) => f.severity === 'error').length;
      const warnings = job.findings.filter((f) => f.severity === 'warning').length;
      process.stdout.write(
        `Job ${job.job}\n${renderValidationReport({ ...job, errors, warnings })}\n\n`,
      );
    }
  }
  return report.errors > 0 ? EXIT.VALIDATION : EXIT.OK;
}
