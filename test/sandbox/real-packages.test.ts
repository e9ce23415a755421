import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPackages } from '../../src/sandbox/fetch-packages.ts';
import {
  findRealPackages,
  type ManifestEntry,
  readManifest,
  verifyPackages,
} from '../../src/sandbox/real-packages.ts';
import { REAL_PACKAGES, withPackages } from '../packages.ts';

const run = promisify(execFile);
const BIN = new URL('../../bin/t2a.js', import.meta.url).pathname;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Three made-up package files, as a manifest names them, and a server that answers like GitHub's raw host. */
const FILES = {
  'AAA/one.metadata.json': '{"programs":[]}',
  'AAA/two.metadata.json': '{"dataSets":[{"id":"x"}]}',
  'BBB/three.metadata.json': '{"attributes":[]}',
} as const;
const manifest: ManifestEntry[] = Object.entries(FILES).map(([file, text], index) => ({
  file,
  repository: `owner/repo${index}`,
  commit: `${index}`.repeat(40),
  path: `COMPLETE/${file.split('/')[1]}`,
  sha256: sha(text),
  size: Buffer.byteLength(text),
  description: file,
}));

let server: Server;
let base: string;
const served: string[] = [];
/** What the server answers instead of a file's text, per file. */
const tampered = new Map<string, string | number>();

beforeAll(async () => {
  server = createServer((request, response) => {
    served.push(request.url!);
    const entry = manifest.find((e) => request.url === `/${e.repository}/${e.commit}/${e.path}`);
    const answer = entry
      ? (tampered.get(entry.file) ?? FILES[entry.file as keyof typeof FILES])
      : 404;
    if (typeof answer === 'number') response.writeHead(answer).end();
    else response.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const freshDir = () => mkdtempSync(join(tmpdir(), 't2a-packages-'));
const listed = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('t2a sandbox packages: exactly the manifest’s files, each checked, all or nothing', () => {
  it('downloads every file from <repository>/<commit>/<path> and checks each checksum', async () => {
    const dir = freshDir();
    const result = await fetchPackages({ dir, manifest, baseUrl: base });
    expect(result).toEqual({ ok: true, written: Object.keys(FILES), present: [] });
    for (const [file, text] of Object.entries(FILES))
      expect(readFileSync(join(dir, file), 'utf8')).toBe(text);
    expect(verifyPackages(dir, manifest)).toEqual([]);
  });

  it('keeps the files already there with the right checksum, and asks only for the others', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'AAA'));
    writeFileSync(join(dir, 'AAA/one.metadata.json'), FILES['AAA/one.metadata.json']);
    served.length = 0;
    const result = await fetchPackages({ dir, manifest, baseUrl: base });
    expect(result).toMatchObject({ ok: true, present: ['AAA/one.metadata.json'] });
    expect(served).toEqual([
      `/${manifest[1]!.repository}/${manifest[1]!.commit}/${manifest[1]!.path}`,
      `/${manifest[2]!.repository}/${manifest[2]!.commit}/${manifest[2]!.path}`,
    ]);
  });

  it('on a checksum mismatch names the file and both checksums, and writes nothing', async () => {
    const dir = freshDir();
    tampered.set('AAA/two.metadata.json', '{"dataSets":[{"id":"y"}]}');
    try {
      const result = await fetchPackages({ dir, manifest, baseUrl: base });
      expect(result).toMatchObject({ ok: false, file: 'AAA/two.metadata.json' });
      if (result.ok) return;
      expect(result.reason).toContain(`the manifest says ${manifest[1]!.sha256}`);
      expect(result.reason).toContain(`sha256 ${sha('{"dataSets":[{"id":"y"}]}')}`);
      // The first file matched, yet it was not written either: nothing half-done.
      expect(listed(dir)).toEqual([]);
    } finally {
      tampered.clear();
    }
  });

  it('names the file and the HTTP status when the host does not have it', async () => {
    tampered.set('BBB/three.metadata.json', 404);
    try {
      const dir = freshDir();
      const result = await fetchPackages({ dir, manifest, baseUrl: base });
      expect(result).toMatchObject({
        ok: false,
        file: 'BBB/three.metadata.json',
        reason: 'the server answered HTTP 404',
      });
      expect(listed(dir)).toEqual([]);
    } finally {
      tampered.clear();
    }
  });

  it('offline, says which file could not be had and why, and writes nothing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const dir = freshDir();
    const result = await fetchPackages({ dir, manifest, baseUrl: `http://127.0.0.1:${port}` });
    expect(result).toMatchObject({ ok: false, file: 'AAA/one.metadata.json' });
    if (!result.ok) expect(result.reason).toContain('ECONNREFUSED');
    expect(listed(dir)).toEqual([]);
  });

  it('from the command line: --check names each file that is missing, exit 3 with the fix', async () => {
    const dir = freshDir();
    const failed = await run(process.execPath, [
      BIN,
      'sandbox',
      'packages',
      '--check',
      '--to',
      dir,
    ]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(3);
    const files = readManifest().map((entry) => entry.file);
    for (const file of files) expect(failed?.stderr).toContain(`✖ ${file}: missing`);
    expect(failed?.stderr).toContain('Fix: run `t2a sandbox packages');
  });

  it('the manifest names each real package by repository, commit, path and sha256, and no file is kept here', () => {
    const entries = readManifest();
    expect(entries.length).toBeGreaterThanOrEqual(13);
    for (const entry of entries) {
      expect(entry.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(entry.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(existsSync(new URL(`../../${entry.file}`, import.meta.url))).toBe(false);
    }
  });
});

describe('one setting says where the packages are', () => {
  it('T2A_PACKAGES, relative to the working folder; else ../shared/fixtures beside the project', () => {
    const named = findRealPackages({ T2A_PACKAGES: 'some/where' });
    expect(named).toMatchObject({ dir: join(process.cwd(), 'some/where'), from: 'T2A_PACKAGES' });
    expect(named.available).toBe(false);
    expect(named.missing).toHaveLength(named.manifest.length);
    const fallback = findRealPackages({});
    expect(fallback.from).toBe('default');
    expect(fallback.dir.endsWith('/shared/fixtures')).toBe(true);
  });

  it('t2a sandbox coverage without packages: exit 2, says where it looked and how to get them', async () => {
    const failed = await run(process.execPath, [BIN, 'sandbox', 'coverage'], {
      env: { ...process.env, T2A_PACKAGES: '/nonexistent/packages' },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('T2A_PACKAGES=/nonexistent/packages: none of them is there');
    expect(failed?.stderr).toContain('Fix: Download them with `npx t2a sandbox packages`');
  });

  it(
    't2a sandbox coverage with the packages reports every package it read',
    withPackages,
    async () => {
      const { stdout } = await run(process.execPath, [BIN, 'sandbox', 'coverage'], {
        env: { ...process.env, T2A_PACKAGES: REAL_PACKAGES.dir },
      });
      for (const entry of REAL_PACKAGES.manifest)
        expect(stdout).toContain(`${entry.file.split('/')[1]}: `);
      expect(stdout).toMatch(
        new RegExp(`in ${REAL_PACKAGES.manifest.length} package\\(s\\) evaluated`),
      );
    },
  );
});
