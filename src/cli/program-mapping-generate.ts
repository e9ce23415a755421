import type { Command } from 'commander';

/** `t2a mapping generate`: the indicators a mapping file describes (README “Building the mapping”). */
export function defineMappingGenerateCommand(mapping: Command): void {
  mapping
    .command('generate')
    .description('Write the indicators a mapping file describes, checked, in one atomic import.')
    .option(
      '-f, --file <file>',
      "the mapping file (YAML, see examples/mapping.yaml); default: the job's mappingFile",
    )
    .option('-j, --job <name>', 'the job whose source, target and mapping attribute to use')
    .option('--dry-run', 'show what would be created, changed and removed; write nothing')
    .option('--remove-orphans', 'remove the indicators the file made and no longer names')
    .option('--native', '2.42+: one disaggregated indicator per family (category mappings)')
    .option('--json', 'the result as JSON')
    .action(async (options, command: Command) => {
      const { mappingGenerateCommand } = await import('./commands/mapping-generate.ts');
      process.exitCode = await mappingGenerateCommand({
        ...options,
        config: command.optsWithGlobals().config,
      });
    });
}
