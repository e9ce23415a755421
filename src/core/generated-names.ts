import { createHash } from 'node:crypto';

/*
 * Names, codes and UIDs of the program indicators `t2a mapping generate` writes: the same file gives
 * the same ones on every run, so a second run finds nothing to change.
 */

/**
 * DHIS2's column lengths for a program indicator, the same in 2.36.0, 2.39.0, 2.42.0 and 2.43.1:
 * `name` length 230 and `shortName` length 50, both unique (dhis-service-core
 * `org/hisp/dhis/program/hibernate/ProgramIndicator.hbm.xml` l.18 and l.20), `code` length 50, unique
 * (`org/hisp/dhis/common/identifiableProperties.hbm`). A longer value fails the import (E4001).
 */
export const LIMITS = { name: 230, shortName: 50, code: 50 } as const;

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALPHANUMERIC = `${LETTERS}0123456789`;

/**
 * A UID as DHIS2 accepts them (`CodeGenerator.isValidUid`: a letter, then ten letters or digits), made
 * from a hash of the parts instead of chance: the same parts give the same UID on every run.
 */
export function stableUid(...parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let uid = LETTERS[digest[0]! % LETTERS.length]!;
  for (let i = 1; i < 11; i++) uid += ALPHANUMERIC[digest[i]! % ALPHANUMERIC.length];
  return uid;
}

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 6);

/**
 * `head` then `tail` within `max` characters. The head gives way first (an ellipsis marks the cut),
 * since the tail is what tells the combos of one family apart; where even the tail does not fit, the
 * whole is cut and a hash of it keeps two cut texts apart.
 */
export function fitWithin(head: string, tail: string, max: number, separator = ' '): string {
  const full = tail ? `${head}${separator}${tail}` : head;
  if (full.length <= max) return full;
  const room = max - tail.length - separator.length - 1;
  if (tail && room >= 4) return `${head.slice(0, room).trimEnd()}…${separator}${tail}`;
  const hash = shortHash(full);
  return `${full.slice(0, max - hash.length - 1).trimEnd()}~${hash}`;
}

/** A code within DHIS2's 50 characters: cut, with a hash of the whole, where it is longer. */
export function fitCode(code: string, max: number = LIMITS.code): string {
  if (code.length <= max) return code;
  const hash = shortHash(code);
  return `${code.slice(0, max - hash.length - 1)}_${hash}`;
}

/**
 * The code prefix that marks what one mapping file made (`T2A_IMM_`): the orphans of a file are the
 * indicators whose code starts with it and that the file no longer names.
 */
export const generatedCodePrefix = (fileKey: string) => `T2A_${fileKey.toUpperCase()}_`;
