import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseFaultRule } from './http/faults.ts';
import { SEED_NAMES, SEEDS } from './seed/seed.ts';
import { startSandbox } from './server.ts';

/** `t2a sandbox`: a DHIS2-compatible server on localhost, for tests, the demo and rehearsals. */
const integer = (name: string, min: number) => (text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}.`);
  return value;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The options that make the sandbox behave like a server in trouble, or behind a proxy. */
function faultOptions(cli: Command): Command {
  return cli
    .option(
      '--fault <rule>',
      'inject a fault: "[METHOD] /path 401|500|502|503|504|drop|hang|latency=MS [after=N] [times=N] [late]" (late: after the server did the work); repeatable',
      collect,
    )
    .option(
      '--max-request-line <bytes>',
      'refuse longer request lines with 414, as nginx in front of DHIS2 does (default 8192; 0: no limit)',
      integer('--max-request-line', 0),
    )
    .option('--analytics-fail <message>', 'make every analytics table job fail with this message')
    .option(
      '--analytics-duration <ms>',
      'make every analytics table job take this long',
      integer('--analytics-duration', 0),
    );
}

function program(): Command {
  const cli = new Command('t2a sandbox')
    .description(
      'Run a DHIS2-compatible server on localhost: DHIS2 2.36–2.43 answers at every endpoint t2a uses.',
    )
    .option('--port <port>', 'port to listen on (0 picks a free one)', integer('--port', 0), 8080)
    .option('--host <host>', 'address to listen on (keep it on loopback)', '127.0.0.1')
    .option(
      '--dhis2-version <version>',
      'DHIS2 version to answer as, 2.36 to 2.43 (e.g. 2.40 or 2.41.3)',
      '2.40',
    )
    .addOption(
      new Option('--seed <name>', `what to load at start: ${SEED_NAMES.join(', ')}`)
        .default('demo')
        .argParser((name: string) => {
          if (!SEED_NAMES.includes(name)) {
            throw new InvalidArgumentError(
              `"${name}" is not a seed. Choose one of: ${SEED_NAMES.join(', ')}.`,
            );
          }
          return name;
        }),
    )
    .option('--metadata <file>', 'load a DHIS2 metadata export (JSON); repeat for several', collect)
    .option(
      '--facilities <n>',
      'facilities in the generated org unit tree',
      integer('--facilities', 1),
    )
    .option(
      '--org-unit-seed <n>',
      'seed of the generated org unit tree (same seed, same tree)',
      integer('--org-unit-seed', 0),
    )
    .option(
      '--distinct-org-unit-ids',
      'give the tree different UIDs (same codes): an instance not harmonised with another',
    )
    .option(
      '--months <n>',
      'months of generated tracker data, ending today: the demo registry, and every programme loaded with --metadata',
      integer('--months', 1),
    )
    .option(
      '--tracker-seed <n>',
      'seed of the generated tracker data',
      integer('--tracker-seed', 0),
    )
    .option('--run-analytics', 'run analytics once the data is loaded, as a nightly job would have')
    .option('--database <file>', 'keep the state in this SQLite file (default: in memory)')
    .option('--now <date>', 'pin the clock to this moment (ISO 8601); it runs on from there')
    .addHelpText(
      'after',
      `
Seeds:
${SEED_NAMES.map((name) => `  ${name.padEnd(13)} ${SEEDS[name]}`).join('\n')}

The default user is admin / district (as on DHIS2's demo databases); its personal access token is printed at start.
Faults and the clock can also be changed while it runs: POST /__sandbox/faults {"rule":"..."}, DELETE /__sandbox/faults,
POST /__sandbox/clock {"now":"2024-03-05T10:00:00Z"}, POST /__sandbox/analytics-faults {"fail":"..."}.

Also: t2a sandbox coverage [--metadata FILE …]   how many program indicators of metadata packages the sandbox evaluates.
      t2a sandbox packages [--to DIR] [--check]   download (or check) the real DHIS2/WHO packages, each against its checksum.`,
    );
  return faultOptions(cli);
}

async function serve(options: Record<string, unknown>): Promise<void> {
  const faults = ((options.fault as string[] | undefined) ?? []).map(parseFaultRule);
  for (const file of (options.metadata as string[] | undefined) ?? []) readFileSync(file);
  const sandbox = await startSandbox({
    port: options.port as number,
    host: options.host as string,
    dhis2Version: options.dhis2Version as string,
    seed: options.seed as string,
    ...(options.metadata ? { metadata: options.metadata as string[] } : {}),
    ...(options.facilities ? { facilities: options.facilities as number } : {}),
    ...(options.orgUnitSeed !== undefined ? { orgUnitSeed: options.orgUnitSeed as number } : {}),
    ...(options.distinctOrgUnitIds ? { orgUnitIds: 'distinct' as const } : {}),
    ...(options.months ? { months: options.months as number } : {}),
    ...(options.trackerSeed !== undefined ? { trackerSeed: options.trackerSeed as number } : {}),
    ...(options.runAnalytics ? { runAnalytics: true } : {}),
    ...(options.database ? { database: options.database as string } : {}),
    ...(options.now ? { now: new Date(options.now as string) } : {}),
    faults,
    ...(options.maxRequestLine !== undefined
      ? { maxRequestLine: options.maxRequestLine as number }
      : {}),
  });
  if (options.analyticsFail || options.analyticsDuration) {
    sandbox.context.faults.analytics = {
      fail: options.analyticsFail as string | undefined,
      durationMs: options.analyticsDuration as number | undefined,
    };
  }
  process.stdout.write(
    `DHIS2 sandbox (answering as ${sandbox.context.version.text}) at ${sandbox.baseUrl}\n` +
      `  user admin / district, personal access token ${sandbox.seed.adminToken}\n` +
      (sandbox.seed.events > 0
        ? `  ${sandbox.seed.people} tracked entities and ${sandbox.seed.events} events generated${options.runAnalytics ? ', analytics run' : ' (analytics not run yet)'}\n`
        : '') +
      `  Ctrl-C stops it.\n`,
  );
  const stop = () => {
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** `t2a sandbox coverage [--metadata FILE …]`: exit 2 with a fix when there is nothing to read. */
async function coverage(argv: readonly string[]): Promise<number> {
  const cli = new Command('t2a sandbox coverage')
    .description(
      'How many program indicators of metadata packages the sandbox evaluates as DHIS2 does: the named files, else every real package (T2A_PACKAGES).',
    )
    .option('--metadata <file>', 'a DHIS2 metadata export (JSON); repeat for several', collect)
    .exitOverride();
  cli.parse([...argv], { from: 'user' });
  const { CoverageInputError, printCoverage } = await import('./pi/coverage-cli.ts');
  try {
    printCoverage((cli.opts().metadata as string[] | undefined) ?? []);
    return 0;
  } catch (error) {
    if (!(error instanceof CoverageInputError)) throw error;
    process.stderr.write(`✖ ${error.message}\n  Fix: ${error.fix}\n`);
    return 2;
  }
}

/**
 * `t2a sandbox packages [--to DIR] [--check]`: downloads the real packages the manifest names, each
 * checked against its sha256, or checks a folder that holds them. Exit 3 when a file cannot be had.
 */
async function packages(argv: readonly string[]): Promise<number> {
  const cli = new Command('t2a sandbox packages')
    .description(
      'Download the real DHIS2/WHO metadata packages the tests and `coverage` read (named with their checksums in real-packages/manifest.json; they carry no licence, so t2a does not ship them).',
    )
    .option(
      '--to <dir>',
      'where to put them (default: T2A_PACKAGES, else ../shared/fixtures beside t2a)',
    )
    .option('--check', 'only check that the folder holds every file, each with its checksum')
    .option(
      '--from <url>',
      'a mirror of raw.githubusercontent.com (<url>/<owner>/<repo>/<commit>/<path>)',
    )
    .exitOverride();
  cli.parse([...argv], { from: 'user' });
  const options = cli.opts() as { to?: string; check?: boolean; from?: string };
  const { packagesDir, readManifest, verifyPackages } = await import('./real-packages.ts');
  const dir = options.to ? resolve(options.to) : packagesDir().dir;
  const manifest = readManifest();
  if (options.check) {
    const problems = verifyPackages(dir, manifest);
    for (const { file, problem } of problems) process.stderr.write(`✖ ${file}: ${problem}\n`);
    if (problems.length > 0) {
      process.stderr.write(
        `  ${problems.length} of ${manifest.length} package files are not right in ${dir}.\n  Fix: run \`t2a sandbox packages --to ${dir}\` on a machine with internet, or point T2A_PACKAGES at a folder that holds them.\n`,
      );
      return 3;
    }
    process.stdout.write(`✔ ${manifest.length} package files in ${dir}, each with its checksum.\n`);
    return 0;
  }
  const { fetchPackages } = await import('./fetch-packages.ts');
  const result = await fetchPackages({
    dir,
    manifest,
    baseUrl: options.from,
    onFile: (file, state) =>
      process.stdout.write(`  ${state === 'present' ? 'already there' : 'downloaded'}: ${file}\n`),
  });
  if (!result.ok) {
    process.stderr.write(
      `✖ ${result.file} could not be had from ${result.url}: ${result.reason}.\n  Nothing was written to ${dir}.\n  Fix: run it again on a machine that reaches raw.githubusercontent.com (or give --from a mirror), then copy the folder here.\n`,
    );
    return 3;
  }
  process.stdout.write(
    `✔ ${result.written.length} file(s) written, ${result.present.length} already there, in ${dir}.\n` +
      (options.to
        ? `  Tell the tests and \`coverage\` where they are: export T2A_PACKAGES=${dir}\n`
        : ''),
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'coverage') return await coverage(argv.slice(1));
    if (argv[0] === 'packages') return await packages(argv.slice(1));
    const cli = program().exitOverride();
    cli.parse(argv, { from: 'user' });
    await serve(cli.opts());
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(portInUse(error) ?? `✖ ${(error as Error).message}\n`);
    return 2;
  }
}

/** A port another program (or another sandbox) listens on: what to do instead, and how to see who. */
function portInUse(error: unknown): string | undefined {
  const failure = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (failure.code !== 'EADDRINUSE') return undefined;
  const port = failure.port ?? '?';
  return (
    `✖ Port ${port} on ${failure.address ?? 'this machine'} is already in use: another program (perhaps another sandbox) listens there.\n` +
    `  Fix: start the sandbox on another port, e.g. \`t2a sandbox --port ${typeof port === 'number' ? port + 1 : 8081}\` (or --port 0 for any free one), or stop what listens there (\`ss -ltnp 'sport = :${port}'\` names it).\n`
  );
}

const code = await main(process.argv.slice(3));
if (code !== 0) process.exitCode = code;
