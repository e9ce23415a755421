import { T2aError } from '../../core/errors.ts';
import { validateOffline } from '../../jobs/validate-offline.ts';
import { EXIT } from '../exit-codes.ts';
import { renderValidationReport } from '../render-validation.ts';

export interface ValidateCommandOptions {
  readonly sourceMetadata?: string[];
  readonly targetMetadata?: string[];
  readonly attribute: string;
  readonly periodType?: string;
  readonly json?: boolean;
}

export async function validateCommand(options: ValidateCommandOptions): Promise<number> {
  if (!options.sourceMetadata?.length || !options.targetMetadata?.length) {
    throw new T2aError('usage', 'Give both --source-metadata and --target-metadata.', {
      fix: 'e.g. t2a validate --source-metadata tracker.json --target-metadata hmis.json',
    });
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
