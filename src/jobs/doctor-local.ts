import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadedConfig } from '../config/load.ts';
import { openStore } from '../store/open.ts';
import type { Check } from './check.ts';

/**
 * What a run writes on this machine, checked before a night needs it: the store (history, ledger, lock)
 * opens and takes its migrations, and the log file can be appended to.
 */
export async function checkLocal(config: LoadedConfig): Promise<Check[]> {
  return [await checkStore(config.storePath), checkLog(config.logFile)];
}

async function checkStore(path: string): Promise<Check> {
  const postgres = /^postgres(ql)?:\/\//.test(path);
  const where = postgres ? path.replace(/\/\/[^@/]*@/, '//…@') : path;
  try {
    const store = await openStore(path);
    await store.close();
    return {
      kind: 'store',
      subject: 'store',
      ok: true,
      detail: `${where} opens and is up to date`,
    };
  } catch (error) {
    return {
      kind: 'store',
      subject: 'store',
      ok: false,
      detail: `${where}: ${(error as Error).message}`,
      fix: postgres
        ? 'Check the PostgreSQL URL, that the server is reachable and that the user may create tables in its database.'
        : `Check that t2a's user may write the folder ${dirname(path)} (or set store: to a writable path).`,
    };
  }
}

function checkLog(file: string): Check {
  try {
    if (existsSync(file) && statSync(file).isDirectory())
      throw new Error('it is a folder, not a file');
    mkdirSync(dirname(file), { recursive: true });
    closeSync(openSync(file, 'a'));
    return { kind: 'log', subject: 'log', ok: true, detail: `${file} can be written` };
  } catch (error) {
    return {
      kind: 'log',
      subject: 'log',
      ok: false,
      detail: `${file}: ${(error as Error).message}`,
      fix: `Check that t2a's user may write ${file} (or set log.file to a writable path).`,
    };
  }
}
