import { mappingFileFor } from '../../jobs/mapping-file.ts';
import { generateMapping } from '../../jobs/mapping-generate.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { exitCodeForFindings } from '../exit-codes.ts';
import { renderGenerate } from '../render-mapping-generate.ts';

export interface GenerateCommandOptions extends ConfigOptions {
  /** Default: the job's `mappingFile`. */
  readonly file?: string;
  readonly job?: string;
  readonly dryRun?: boolean;
  readonly removeOrphans?: boolean;
  readonly native?: boolean;
  readonly json?: boolean;
}

/** `t2a mapping generate`: refused (exit 5) on a finding that is an error, or on DHIS2's refusal. */
export function mappingGenerateCommand(options: GenerateCommandOptions): Promise<number> {
  return withContext(options, {}, async (ctx) => {
    // The file is read first: a mistake in it is said before any server is asked.
    const spec = mappingFileFor(ctx, options.file, options.job);
    const result = await generateMapping(ctx, spec, {
      job: options.job,
      dryRun: options.dryRun ?? false,
      removeOrphans: options.removeOrphans ?? false,
      native: options.native ?? false,
    });
    process.stdout.write(
      options.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderGenerate(result)}\n`,
    );
    const refused = result.imports.flatMap((report) =>
      report.status === 'OK' ? [] : [report.errors.length || 1],
    );
    return exitCodeForFindings(result.errors + refused.reduce((a, b) => a + b, 0));
  });
}
