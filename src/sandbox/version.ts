/** A DHIS2 server version the sandbox answers as. Behaviour switches on it (see api-notes §0). */
export interface Dhis2Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As `/api/system/info` reports it, e.g. "2.40.3". */
  readonly text: string;
}

export const SUPPORTED_MINORS = [36, 37, 38, 39, 40, 41, 42, 43] as const;

export class UnsupportedVersionError extends Error {
  readonly type = 'unsupported-version';
}

export function parseDhis2Version(text: string): Dhis2Version {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.\d+)?(?:-SNAPSHOT)?$/.exec(text.trim());
  if (!match) {
    throw new UnsupportedVersionError(
      `"${text}" is not a DHIS2 version. Give it as 2.40 or 2.40.3 (supported: 2.36 to 2.43).`,
    );
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const patch = Number(match[3] ?? 0);
  if (major !== 2 || !(SUPPORTED_MINORS as readonly number[]).includes(minor)) {
    throw new UnsupportedVersionError(
      `The sandbox answers as DHIS2 2.36 to 2.43; "${text}" is outside that range.`,
    );
  }
  return { major, minor, patch, text: `${major}.${minor}.${patch}` };
}

/** True when `version` is at least `minor`(.`patch`) of 2.x. */
export function atLeast(version: Dhis2Version, minor: number, patch = 0): boolean {
  return version.minor > minor || (version.minor === minor && version.patch >= patch);
}

/**
 * Whether a change DHIS2 released on several branches at once (a backport) is in `version`: the first
 * release of it on each branch, e.g. `since(v, '2.39.2', '2.40.1', '2.41.0')`; every branch after the
 * last one named has it from its start, those before it never.
 */
export function since(version: Dhis2Version, ...firsts: string[]): boolean {
  const releases = firsts.map(parseDhis2Version);
  const own = releases.find((release) => release.minor === version.minor);
  if (own) return version.patch >= own.patch;
  return version.minor > Math.max(...releases.map((release) => release.minor));
}
