import { T2aError } from '../core/errors.ts';

/** A DHIS2 server version as `/api/system/info` reports it ("2.40.3", "2.41-SNAPSHOT"). */
export interface ServerVersion {
  readonly text: string;
  readonly minor: number;
  readonly patch: number;
}

export function parseServerVersion(text: string): ServerVersion {
  const match = /^2\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) {
    throw new T2aError(
      'dhis2',
      `The server reports version "${text}", which is not a DHIS2 2.x version.`,
      {
        fix: 'Check that the URL points at DHIS2 itself, not at a proxy page.',
      },
    );
  }
  return { text, minor: Number(match[1]), patch: Number(match[2] ?? 0) };
}

export const versionAtLeast = (version: ServerVersion, minor: number, patch = 0) =>
  version.minor > minor || (version.minor === minor && version.patch >= patch);

/**
 * Whether a change DHIS2 released on several branches at once (a backport) is in `version`: its first
 * release on each branch, e.g. `backported(v, '2.38.4', '2.39.2', '2.40.0')`; branches after the last one
 * named have it from their start, those before the first never.
 */
export function backported(version: ServerVersion, ...firsts: string[]): boolean {
  const releases = firsts.map(parseServerVersion);
  const own = releases.find((release) => release.minor === version.minor);
  if (own) return version.patch >= own.patch;
  return version.minor > Math.max(...releases.map((release) => release.minor));
}
