import type { SessionInfo } from '../api-types.ts';

/**
 * The dashboard's calls to its server: JSON, the session cookie, and the CSRF token in a header on every
 * call that changes something. A session that ran out sends the visitor back to the login.
 */
let csrf = '';

export const setCsrf = (token: string): void => {
  csrf = token;
};

export class ApiError extends Error {}

async function answer<T>(response: Response): Promise<T> {
  if (response.status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
    throw new ApiError('Logged out: log in again.');
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string; fix?: string };
  if (!response.ok) {
    throw new ApiError(
      `${body.error ?? `The server answered ${response.status}.`}${body.fix ? ` Fix: ${body.fix}` : ''}`,
    );
  }
  return body as T;
}

export const getJson = async <T>(path: string): Promise<T> =>
  answer<T>(await fetch(path, { headers: { accept: 'application/json' } }));

export async function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    }),
  );
}

export async function postForm<T>(path: string, form: FormData): Promise<T> {
  return answer<T>(
    await fetch(path, { method: 'POST', headers: { 'x-csrf-token': csrf }, body: form }),
  );
}

export const session = (): Promise<SessionInfo> => getJson<SessionInfo>('/api/session');
