import { T2aError } from '../../core/errors.ts';
import { validateLive } from '../../jobs/validate-live.ts';
import { validateOffline } from '../../jobs/validate-offline.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { exitCodeForFindings } from '../exit-codes.ts';
import { renderValidationReport } from '../render-validation.ts';

export interface ValidateCommandOptions extends ConfigOptions {
  readonly job?: string[];
  readonly sourceMetadata?: string[];
  readonly targetMetadata?: string[];
  readonly attribute: string;
  readonly periodType?: string;
  readonly json?: boolean;
}

function validateFiles(options: ValidateCommandOptions): number {
  if (!options.sourceMetadata?.length || !options.targetMetadata?.length) {
    throw new T2aError(
      'usage',
      'Offline validation needs both --source-metadata and --target-metadata.',
      { fix: 'e.g. t2a validate --source-metadata tracker.json --target-metadata hmis.json' },
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
  return exitCodeForFindings(report.errors);
}

export async function validateCommand(options: ValidateCommandOptions): Promise<number> {
  if (options.sourceMetadata?.length || options.targetMetadata?.length)
    return validateFiles(options);
  return withContext(options, {}, async (ctx) => {
    const report = await validateLive(ctx, options.job);
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
    return exitCodeForFindings(report.errors);
  });
}
