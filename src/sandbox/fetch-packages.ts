import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ManifestEntry, sha256 } from './real-packages.ts';

/** GitHub's raw file host: `<base>/<owner>/<name>/<commit>/<path>` is the file at that commit. */
export const GITHUB_RAW = 'https://raw.githubusercontent.com';

export interface FetchPackagesOptions {
  readonly dir: string;
  readonly manifest: readonly ManifestEntry[];
  readonly baseUrl?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly onFile?: ((file: string, state: 'present' | 'downloaded') => void) | undefined;
}

export type FetchPackagesResult =
  | {
      readonly ok: true;
      readonly written: readonly string[];
      readonly present: readonly string[];
    }
  | { readonly ok: false; readonly file: string; readonly url: string; readonly reason: string };

const fileUrl = (base: string, entry: ManifestEntry) =>
  `${base.replace(/\/$/, '')}/${entry.repository}/${entry.commit}/${entry.path}`;

/** Why a request failed, as a person reads it: the network's own code where it gives one. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time (timed out)';
  if (cause?.code) return `the network refused it (${cause.code}: ${cause.message ?? ''})`.trim();
  return `the request failed (${(error as Error).message})`;
}

async function download(
  entry: ManifestEntry,
  url: string,
  timeoutMs: number,
): Promise<{ bytes: Uint8Array } | { reason: string }> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return { reason: networkReason(error) };
  }
  if (!response.ok) return { reason: `the server answered HTTP ${response.status}` };
  const bytes = new Uint8Array(await response.arrayBuffer());
  const actual = sha256(bytes);
  if (actual !== entry.sha256)
    return {
      reason: `its checksum does not match: sha256 ${actual} (${bytes.length} bytes), the manifest says ${entry.sha256} (${entry.size} bytes)`,
    };
  return { bytes };
}

/**
 * Downloads exactly the manifest's files into `dir`, each checked against its sha256. Files already
 * there with the right checksum are kept. Nothing is written until every file has arrived and matched:
 * offline, or on one mismatch, the folder is left as it was and the answer names the file and why.
 */
export async function fetchPackages(options: FetchPackagesOptions): Promise<FetchPackagesResult> {
  const base = options.baseUrl ?? GITHUB_RAW;
  const arrived: { entry: ManifestEntry; bytes: Uint8Array }[] = [];
  const present: string[] = [];
  for (const entry of options.manifest) {
    const path = join(options.dir, entry.file);
    if (existsSync(path) && sha256(readFileSync(path)) === entry.sha256) {
      present.push(entry.file);
      options.onFile?.(entry.file, 'present');
      continue;
    }
    const url = fileUrl(base, entry);
    const result = await download(entry, url, options.timeoutMs ?? 120_000);
    if ('reason' in result) return { ok: false, file: entry.file, url, reason: result.reason };
    arrived.push({ entry, bytes: result.bytes });
    options.onFile?.(entry.file, 'downloaded');
  }
  // Each file lands whole (written beside its place, then renamed), and only once all have arrived.
  const written: string[] = [];
  for (const { entry, bytes } of arrived) {
    const path = join(options.dir, entry.file);
    const partial = `${path}.partial-${process.pid}`;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(partial, bytes);
      renameSync(partial, path);
      written.push(entry.file);
    } catch (error) {
      rmSync(partial, { force: true });
      return {
        ok: false,
        file: entry.file,
        url: path,
        reason: `it could not be written (${(error as Error).message}); ${written.length} file(s) before it were`,
      };
    }
  }
  return { ok: true, written, present };
}
