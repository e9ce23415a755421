import { loadConfig } from '../../config/load.ts';
import { runDoctor } from '../../jobs/doctor.ts';
import { createLogger } from '../../log.ts';
import { EXIT } from '../exit-codes.ts';

export async function doctorCommand(options: { config: string; json?: boolean }): Promise<number> {
  const loaded = loadConfig(options.config);
  const logger = createLogger({
    file: loaded.logFile,
    level: loaded.config.log.level,
    secrets: loaded.secrets,
  });
  const checks = await runDoctor(loaded, logger);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
  } else {
    for (const check of checks) {
      process.stdout.write(`${check.ok ? '✔' : '✖'} ${check.subject}: ${check.detail}\n`);
      if (!check.ok && check.fix) process.stdout.write(`    fix: ${check.fix}\n`);
    }
  }
  const failed = checks.filter((check) => !check.ok);
  if (failed.some((check) => /reach|login/.test(check.subject))) return EXIT.CONNECTION;
  return failed.length > 0 ? EXIT.CONFIG : EXIT.OK;
}
