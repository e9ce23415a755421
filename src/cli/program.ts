import { Command, Option } from 'commander';
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { defineExplainCommand } from './program-explain.ts';
import { defineMappingGenerateCommand } from './program-mapping-generate.ts';

/** t2a's command line: each definition parses its arguments and calls one command of cli/commands/. */
function defineRunCommands(cli: Command): void {
  cli
    .command('sync')
    .description(
      'Export program indicator values from the source and import them into the targets.',
    )
    .option('-j, --job <name...>', 'run only these jobs (default: all)')
    .option(
      '--dry-run',
      'send the targets the values with dryRun=true: they validate and save nothing (recorded as a dry run; `t2a plan` asks them nothing)',
    )
    .option(
      '-p, --period <period...>',
      'ISO periods to run instead of the jobs’ windows, e.g. 202401 202402',
    )
    .option(
      '--force',
      'run jobs even when their mapping has validation errors (what passes validation is sent)',
    )
    .option(
      '--allow-mass-delete',
      'clear stale values even when they exceed the job’s reconcile.maxDeleteShare',
    )
    .option(
      '--trust-empty-indicators',
      'clear stale values of indicators that gave no value at all, on a source too old to report a failing indicator (look at them in Data Visualizer first)',
    )
    .option('--json', 'print the summary as JSON on stdout (the log still goes to its file)')
    .option(
      '--log-file <file>',
      'write the structured log here (default: log.file of the configuration)',
    )
    .option('--log-level <level>', 'trace, debug, info, warn or error')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
    .action(async (options, command: Command) => {
      const { syncCommand } = await import('./commands/sync.ts');
      process.exitCode = await syncCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });

  cli
    .command('plan')
    .description(
      'What a sync would do, computed here: new, changed, unchanged and stale values per data element and period. Reads the source’s export and what each target holds; sends no import, not even a dry run, and records no run.',
    )
    .option('-j, --job <name...>', 'only these jobs (default: all)')
    .option('-p, --period <period...>', 'ISO periods instead of the jobs’ windows')
    .option(
      '--force',
      'plan jobs whose mapping has validation errors too (what fails validation is shown withheld)',
    )
    .option('--json', 'the whole plan as JSON')
    .action(async (options, command: Command) => {
      const { planCommand } = await import('./commands/sync.ts');
      process.exitCode = await planCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });
}

function defineValidateCommand(cli: Command): void {
  cli
    .command('validate')
    .description(
      'Check the mapping of program indicators onto the target’s data elements and combos.',
    )
    .option(
      '--source-metadata <file...>',
      'offline: metadata export(s) holding the program indicators',
    )
    .option(
      '--target-metadata <file...>',
      'offline: metadata export(s) holding the aggregate data elements and data sets',
    )
    .option('-j, --job <name...>', 'live: only these jobs (default: all)')
    .option('--attribute <uid>', 'the mapping attribute', 'vudyDP7jUy5')
    .option('--period-type <type>', 'the period type the values will have (e.g. Monthly)')
    .option('--json', 'print the findings as one JSON document')
    .addHelpText(
      'after',
      '\nWithout --source-metadata it checks the jobs of the configuration against the live instances.\nExit code 0 when no finding is an error, 5 otherwise.',
    )
    .action(async (options, command: Command) => {
      const { validateCommand } = await import('./commands/validate.ts');
      process.exitCode = await validateCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });
}

function defineMappingCommands(cli: Command): void {
  const setup = cli
    .command('setup')
    .description('Set up what the mapping needs on the source instance.');
  setup
    .command('attribute')
    .description(
      'Create the mapping attribute on the source (text, not unique, not mandatory, program indicators only), or find it.',
    )
    .option('--connection <name>', 'the source connection (default: the first job’s source)')
    .option('--attribute <uid>', 'the attribute UID (default: vudyDP7jUy5, as in the WHO packages)')
    .action(async (options, command: Command) => {
      const { setupAttributeCommand } = await import('./commands/mapping.ts');
      process.exitCode = await setupAttributeCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });

  const mapping = cli
    .command('mapping')
    .description('Review and edit the mapping of program indicators as a CSV file.');
  mapping
    .command('export')
    .description(
      'Print one CSV row per program indicator: its data element and combo codes, with names beside them.',
    )
    .option(
      '-j, --job <name>',
      'the job whose indicators to export (needed when there are several)',
    )
    .action(async (options, command: Command) => {
      const { mappingExportCommand } = await import('./commands/mapping.ts');
      process.exitCode = await mappingExportCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });
  mapping
    .command('apply <file>')
    .description(
      'Write the codes of an edited CSV onto the indicators; shows the changes first, refuses codes the target lacks.',
    )
    .option(
      '-j, --job <name>',
      'the job whose indicators to change (needed when there are several)',
    )
    .option('--dry-run', 'show the changes and the checks, write nothing')
    .action(async (file: string, options, command: Command) => {
      const { mappingApplyCommand } = await import('./commands/mapping.ts');
      process.exitCode = await mappingApplyCommand(file, {
        ...options,
        config: command.optsWithGlobals().config,
      });
    });
  defineMappingGenerateCommand(mapping);
}

function defineReconcileCommands(cli: Command): void {
  cli
    .command('adopt')
    .description(
      'Make cells of the target t2a’s own: the values they hold now (typed by hand, or by another tool) are recorded as t2a’s, so the next run sends the tracker’s values there and clears them when the export stops producing them.',
    )
    .option('-j, --job <name>', 'the job (needed when the configuration has several)')
    .option('-p, --period <period...>', 'periods instead of the job’s window')
    .option('--data-element <code...>', 'only cells of these data elements (codes)')
    .option(
      '--org-unit <uid...>',
      'only cells of these org units (the source’s or the target’s UID)',
    )
    .option('-y, --yes', 'record them (without it, only show them)')
    .action(async (options, command: Command) => {
      const { adoptCommand } = await import('./commands/reconcile.ts');
      process.exitCode = await adoptCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });

  cli
    .command('restore <run-id>')
    .description('Put back exactly the values a run deleted.')
    .option('--dry-run', 'ask the target to validate, save nothing')
    .action(async (runId: string, options, command: Command) => {
      const { restoreCommand } = await import('./commands/reconcile.ts');
      process.exitCode = await restoreCommand(runId, {
        ...options,
        config: command.optsWithGlobals().config,
      });
    });
}

function defineOperationCommands(cli: Command): void {
  cli
    .command('serve')
    .description(
      'Run the jobs on their cron schedules until SIGTERM (one run per job at a time, missed runs alerted), and the dashboard when serve.dashboard is set.',
    )
    .action(async (_options, command: Command) => {
      const { serveCommand } = await import('./commands/serve.ts');
      process.exitCode = await serveCommand({ config: command.optsWithGlobals().config });
    });

  cli
    .command('history')
    .description('List recorded runs, newest first.')
    .option('-j, --job <name>', 'only this job')
    .option('-n, --last <n>', 'how many runs', '20')
    .option('--json', 'as JSON')
    .action(async (options, command: Command) => {
      const { historyCommand } = await import('./commands/history.ts');
      process.exitCode = await historyCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });

  cli
    .command('show <run-id>')
    .description(
      'Show one run (its id, the start of it, or `last`): what it did, every conflict by cause, failed chunks and errors; no log needed.',
    )
    .option('--json', 'as JSON')
    .action(async (runId: string, options, command: Command) => {
      const { showCommand } = await import('./commands/history.ts');
      process.exitCode = await showCommand(runId, {
        ...options,
        config: command.optsWithGlobals().config,
      });
    });

  cli
    .command('unlock <job>')
    .description(
      'Release a job’s lock left by a run whose process died (the run is recorded as abandoned); a lock whose run is alive and renewing it is never released (exit 6).',
    )
    .option(
      '--force',
      'release it although its holder may be alive: only for a holder known to be dead (its machine lost)',
    )
    .action(async (job: string, options, command: Command) => {
      const { unlockCommand } = await import('./commands/unlock.ts');
      process.exitCode = await unlockCommand(job, {
        ...options,
        config: command.optsWithGlobals().config,
      });
    });

  cli
    .command('doctor')
    .description(
      'Check a configuration end to end: reach each instance, version, login, rights, analytics age, SMTP.',
    )
    .option('--json', 'as JSON')
    .action(async (options, command: Command) => {
      const { doctorCommand } = await import('./commands/doctor.ts');
      process.exitCode = await doctorCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });
}

function defineTransitionCommands(cli: Command): void {
  cli
    .command('complete')
    .description(
      'Mark the target data set complete where the job’s rule holds over what t2a delivered (never unmarks).',
    )
    .option('-j, --job <name>', 'the job (needed when the configuration has several)')
    .option('--dry-run', 'list what would be marked')
    .option('--json', 'as JSON')
    .action(async (options, command: Command) => {
      const { completeCommand } = await import('./commands/transition.ts');
      process.exitCode = await completeCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });

  cli
    .command('compare')
    .description(
      'Tracker-derived numbers beside the manually reported ones, per data element, org unit and period.',
    )
    .option('-j, --job <name>', 'the job (needed when the configuration has several)')
    .option('-p, --periods <periods...>', 'LAST_6_MONTHS, LAST_4_QUARTERS… or ISO periods', [
      'LAST_6_MONTHS',
    ])
    .option('-f, --format <format>', 'table, csv, json or html', 'table')
    .option(
      '-o, --output <file>',
      'write to a file instead of stdout (the HTML report is one self-contained file)',
    )
    .action(async (options, command: Command) => {
      const { compareCommand } = await import('./commands/transition.ts');
      process.exitCode = await compareCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });
}

function defineToolCommands(cli: Command): void {
  cli
    .command('periods')
    .description(
      'The periods a job would send, computed here without any server (for checks and for cron).',
    )
    .option(
      '-j, --job <name>',
      'the window of this job of the configuration (its only job, without --period-type)',
    )
    .option(
      '--period-type <type>',
      'a DHIS2 period type: Monthly, Quarterly, Weekly, FinancialJuly…',
    )
    .option('--last <n>', 'how many periods before the current one (default 1)')
    .option('--include-current', 'add the current period')
    .option('--date <yyyy-MM-dd>', 'compute as on this ISO date (default: today here)')
    .option(
      '--calendar <calendar>',
      'the source’s calendar: iso8601, nepali, thai, persian, islamic',
    )
    .option('--json', 'a JSON array of the ISO period ids, oldest first')
    .addHelpText(
      'after',
      '\nExample: t2a periods --period-type Quarterly --last 1 --date 2026-11-29 --json',
    )
    .action(async (options, command: Command) => {
      const { periodsCommand } = await import('./commands/periods.ts');
      process.exitCode = await periodsCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });

  cli
    .command('hash-password')
    .description(
      'Print the scrypt hash of a dashboard password (read from standard input) for serve.dashboard.users.',
    )
    .action(async () => {
      const { hashPasswordCommand } = await import('./commands/serve.ts');
      process.exitCode = await hashPasswordCommand();
    });

  cli
    .command('schema')
    .description(
      'Print the JSON Schema of the configuration file, for editor completion and checks.',
    )
    .action(async () => {
      const { configJsonSchema } = await import('../config/schema.ts');
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}

export function program(): Command {
  const cli = new Command('t2a')
    .description(
      'Tracker to aggregate for DHIS2: program indicator values into aggregate data values, routinely and safely.',
    )
    .version('0.1.0')
    .addOption(
      new Option('-c, --config <file>', 'configuration file').default('t2a.yaml').env('T2A_CONFIG'),
    )
    .showHelpAfterError()
    .addHelpText(
      'after',
      `\nAlso:\n  t2a sandbox --help   a DHIS2-compatible server on localhost, for tests and rehearsals\n  t2a demo             the demo behind npm start\n\n${EXIT_CODES_HELP}`,
    );

  for (const define of [
    defineRunCommands,
    defineExplainCommand,
    defineValidateCommand,
    defineMappingCommands,
    defineReconcileCommands,
    defineOperationCommands,
    defineTransitionCommands,
    defineToolCommands,
  ])
    define(cli);
  return cli;
}
