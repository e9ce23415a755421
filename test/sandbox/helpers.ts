import { afterAll } from 'vitest';
import { type RunningSandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.ts';

export const ADMIN_AUTH = `Basic ${Buffer.from('admin:district').toString('base64')}`;

/** Starts a sandbox for the enclosing test file and stops it when the file is done. */
export async function sandboxForFile(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = await startSandbox(options);
  afterAll(() => sandbox.stop());
  return sandbox;
}

/** GET/POST as the sandbox's admin; returns the status and the parsed JSON body (or text). */
export async function api(
  sandbox: RunningSandbox,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    auth?: string | null;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.auth !== null) headers.authorization = init.auth ?? ADMIN_AUTH;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${sandbox.baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    redirect: 'manual',
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
