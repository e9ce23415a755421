import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { program } from '../../src/cli/program.ts';

/** Every `t2a …` command line that t2a's messages tell an administrator to run. */
function commandLinesInSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'sandbox' ? [] : commandLinesInSources(path);
    if (!entry.name.endsWith('.ts')) return [];
    return [
      ...readFileSync(path, 'utf8').matchAll(/t2a ((?:[a-z]+)(?: [a-z]+)?(?: --[a-z-]+)*)/g),
    ].map((match) => match[1]!);
  });
}

function find(cli: Command, words: readonly string[]): Command | undefined {
  let command = cli;
  for (const word of words) {
    const sub = command.commands.find((candidate) => candidate.name() === word);
    if (!sub) return command === cli ? undefined : command;
    command = sub;
  }
  return command;
}

const COMMANDS = program().commands.map((command) => command.name());

/** Every `--option` t2a's own sources mention (the sandbox and the demo have options of their own). */
function optionsInSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return ['sandbox', 'demo'].includes(entry.name) ? [] : optionsInSources(path);
    if (!entry.name.endsWith('.ts')) return [];
    return [...readFileSync(path, 'utf8').matchAll(/[\s`'"(](--[a-z][a-z-]+)/g)].map((m) => m[1]!);
  });
}

describe('fix texts are commands that run', () => {
  it('names only options that some command has', () => {
    const all = new Set(
      [program(), ...program().commands, ...program().commands.flatMap((c) => c.commands)].flatMap(
        (command) => command.options.map((option) => option.long),
      ),
    );
    const named = [...new Set(optionsInSources(new URL('../../src', import.meta.url).pathname))];
    expect(named.filter((option) => !all.has(option) && option !== '--help')).toEqual([]);
  });

  const lines = [
    ...new Set(commandLinesInSources(new URL('../../src', import.meta.url).pathname)),
  ].filter((line) => COMMANDS.includes(line.split(' ')[0]!) || line.includes('--'));

  it('finds the command lines the messages name', () => {
    expect(lines).toEqual(expect.arrayContaining(['validate --job', 'unlock', 'mapping apply']));
  });

  for (const line of lines) {
    it(`t2a ${line}`, () => {
      const words = line.split(' ').filter((part) => !part.startsWith('--'));
      // The sandbox and the demo are programs of their own (bin/t2a.js), with their own help.
      if (words[0] === 'sandbox' || words[0] === 'demo') return;
      const command = find(program(), words);
      expect(command, `no command "t2a ${words[0]}"`).toBeDefined();
      const known = [...command!.options, ...program().options].map((option) => option.long);
      for (const option of line.split(' ').filter((part) => part.startsWith('--')))
        expect(known, `t2a ${line}`).toContain(option);
    });
  }
});
