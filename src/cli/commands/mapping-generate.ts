import { mappingFileFor } from '../../jobs/mapping-file.ts';
import { generateMapping } from '../../jobs/mapping-generate.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { exitCodeForGenerate } from '../exit-codes.ts';
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

/** `t2a mapping generate`: its exit code by `exitCodeForGenerate`. */
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
    return exitCodeForGenerate(result);
  });
}
