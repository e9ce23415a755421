import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real WHO/DHIS2 metadata packages: the tests' and `t2a sandbox coverage`'s independent truth. They
 * carry no licence, so t2a never ships them: `real-packages/manifest.json` names each file (repository,
 * commit, path, sha256), `t2a sandbox packages` downloads exactly those, and one setting says where they
 * are: `T2A_PACKAGES`, else `../shared/fixtures` beside the project.
 */
export interface ManifestEntry {
  /** Where the file sits under the packages folder, e.g. `CVC_EIR/CVC_EIR_TRK_DHIS2.39.0-en.metadata.json`. */
  readonly file: string;
  /** `owner/name` on GitHub. */
  readonly repository: string;
  readonly commit: string;
  /** The file's path in the repository at that commit. */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly description: string;
}

export interface RealPackages {
  /** The folder the packages are read from (it may not exist). */
  readonly dir: string;
  /** How the folder was chosen. */
  readonly from: 'T2A_PACKAGES' | 'default';
  readonly manifest: readonly ManifestEntry[];
  /** Manifest files the folder lacks. */
  readonly missing: readonly string[];
  /** Every manifest file is there. */
  readonly available: boolean;
}

/** The project's root: two folders up from this module, in src/ as in dist/. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const MANIFEST_PATH = join(PROJECT_ROOT, 'real-packages', 'manifest.json');

/** How to get the packages, in the words every message uses. */
export const PACKAGES_FIX =
  'Download them with `npx t2a sandbox packages` (checks each file against real-packages/manifest.json), or set T2A_PACKAGES to a folder that holds them.';

export function readManifest(path = MANIFEST_PATH): ManifestEntry[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { files?: ManifestEntry[] };
  return parsed.files ?? [];
}

/** The folder `T2A_PACKAGES` names (relative to the working folder), else `../shared/fixtures`. */
export function packagesDir(env: NodeJS.ProcessEnv = process.env): {
  dir: string;
  from: RealPackages['from'];
} {
  const named = env.T2A_PACKAGES?.trim();
  if (named) return { dir: isAbsolute(named) ? named : resolve(named), from: 'T2A_PACKAGES' };
  return { dir: resolve(PROJECT_ROOT, '..', 'shared', 'fixtures'), from: 'default' };
}

/** Finds the packages through the one setting; a file counts when it exists with the manifest's size. */
export function findRealPackages(env: NodeJS.ProcessEnv = process.env): RealPackages {
  const { dir, from } = packagesDir(env);
  const manifest = readManifest();
  const missing = manifest
    .filter((entry) => {
      const path = join(dir, entry.file);
      return !existsSync(path) || statSync(path).size !== entry.size;
    })
    .map((entry) => entry.file);
  return { dir, from, manifest, missing, available: missing.length === 0 };
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Each file of the manifest that is missing from the folder or differs from it, with why. */
export function verifyPackages(
  dir: string,
  manifest: readonly ManifestEntry[],
): { file: string; problem: string }[] {
  return manifest.flatMap((entry) => {
    const path = join(dir, entry.file);
    if (!existsSync(path)) return [{ file: entry.file, problem: 'missing' }];
    const actual = sha256(readFileSync(path));
    return actual === entry.sha256
      ? []
      : [{ file: entry.file, problem: `sha256 ${actual}, the manifest says ${entry.sha256}` }];
  });
}

/** One sentence saying where the packages were looked for and what is missing. */
export function describeAbsence(packages: RealPackages): string {
  const where =
    packages.from === 'T2A_PACKAGES'
      ? `T2A_PACKAGES=${packages.dir}`
      : `${packages.dir} (T2A_PACKAGES is not set)`;
  const some =
    packages.missing.length === packages.manifest.length
      ? 'none of them is there'
      : `${packages.missing.length} of ${packages.manifest.length} are missing, e.g. ${packages.missing[0]}`;
  return `The real DHIS2/WHO metadata packages were looked for in ${where}: ${some}.`;
}
