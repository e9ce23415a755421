import { readFileSync } from 'node:fs';

/** t2a's own version, from package.json; recorded in every run. */
export const T2A_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
