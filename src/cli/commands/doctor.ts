import { runDoctor } from '../../jobs/doctor.ts';
import { type ConfigOptions, withContext } from '../context.ts';
import { exitCodeForChecks } from '../exit-codes.ts';

export function doctorCommand(options: ConfigOptions & { json?: boolean }): Promise<number> {
  return withContext(options, {}, async (ctx) => {
    const checks = await runDoctor(ctx.config, ctx.logger);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
    } else {
      for (const check of checks) {
        process.stdout.write(`${check.ok ? '✔' : '✖'} ${check.subject}: ${check.detail}\n`);
        if (!check.ok && check.fix) process.stdout.write(`    fix: ${check.fix}\n`);
      }
    }
    return exitCodeForChecks(checks);
  });
}
