import { randomBytes } from 'node:crypto';

/** Run ids sort by time and are unique across processes: `20261124T020000Z-1a2b3c`. */
export function newRunId(now: Date = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}
