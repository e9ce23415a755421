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
