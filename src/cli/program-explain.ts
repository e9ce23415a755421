import type { Command } from 'commander';

/** `t2a explain`: one target value back to the indicator and the tracker records behind it. */
export function defineExplainCommand(cli: Command): void {
  cli
    .command('explain')
    .description(
      'Where does this number come from? One target value back to the program indicator and tracker records behind it.',
    )
    .option('-j, --job <name>', 'the job (needed when the configuration has several)')
    .requiredOption('--data-element <code>', 'the data element’s code in the target')
    .option('--category-option-combo <code>', 'the category option combo’s code (default: default)')
    .option(
      '--attribute-option-combo <code>',
      'the attribute option combo’s code (default: default)',
    )
    .option('--period <id>', 'the ISO period, e.g. 202603 (the run’s, with --run of one period)')
    .requiredOption(
      '--org-unit <id>',
      'the org unit: its UID in the source, or its identifier in the target',
    )
    .option('--run <id>', 'a run (last, its id or the start of it): its job and period')
    .option('--target <connection>', 'the target connection (the job’s first target by default)')
    .option(
      '--show-attributes',
      'also the people’s attribute values, as the source’s user may read them (printed only, never stored)',
    )
    .option('--json', 'as JSON (mapping, source, ledger, target, records, recordsAddUp)')
    .addHelpText(
      'after',
      '\nExit code 0 when the records add up and the target holds what t2a wrote; 4 when a disagreement is reported.',
    )
    .action(async (options, command: Command) => {
      const { explainCommand } = await import('./commands/explain.ts');
      process.exitCode = await explainCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });
}
