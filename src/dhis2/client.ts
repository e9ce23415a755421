import pRetry, { AbortError } from 'p-retry';
import { T2aError } from '../core/errors.ts';
import { splitToFit } from '../core/split-request.ts';
import type { Logger } from '../log.ts';
import type { Dhis2Connection } from './connection.ts';
import { httpTransport, type Transport } from './transport.ts';

export type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface Dhis2Response {
  readonly status: number;
  readonly body: unknown;
  /** The server's clock when it answered (its `Date` header, whole seconds, UTC), if it said. */
  readonly date?: number | undefined;
}

/**
 * HTTP to one DHIS2 instance: auth, timeouts, retries with backoff, and DHIS2's error bodies kept as
 * data. A 409 from `/api/dataValueSets` carries an import summary, so callers that expect one ask
 * for it with `acceptConflict` and read it as a result.
 */
/** nginx's and Tomcat's default limit is 8 KB for the whole request line: keep a margin. */
export const DEFAULT_MAX_URL_LENGTH = 8000;

export class Dhis2Client {
  private readonly authorization: string;
  private latestDate: number | undefined;

  constructor(
    readonly connection: Dhis2Connection,
    private readonly logger: Logger,
    private readonly transport: Transport = httpTransport,
  ) {
    const auth = connection.auth;
    this.authorization =
      auth.kind === 'token'
        ? `ApiToken ${auth.token}`
        : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }

  get name(): string {
    return this.connection.name;
  }

  url(path: string, query: Query = {}): string {
    const url = new URL(`${this.connection.url}/api/${path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value])
        url.searchParams.append(key, String(item));
    }
    return url.toString();
  }

  /** Whether a GET of `path` with `query` stays within the connection's URL limit. */
  fits(path: string, query: Query = {}): boolean {
    const url = new URL(this.url(path, query));
    return url.pathname.length + url.search.length <= this.maxUrlLength;
  }

  /**
   * GETs of `path` over consecutive parts of `items` (org units), each part as long as the URL limit
   * lets it be; the answers in order. `what` says what is asked, for the error when even one item is
   * too long with the rest of the query.
   */
  async getInParts<T>(
    path: string,
    items: readonly string[],
    query: (part: readonly string[]) => Query,
    what: string,
  ): Promise<T[]> {
    const parts = splitToFit(items, (part) => this.fits(path, query(part)));
    if (!parts) {
      throw new T2aError(
        'config',
        `${what} on ${this.name} makes a URL longer than the ${this.maxUrlLength} bytes its connection allows.`,
        {
          fix: `Raise maxUrlLength of connection "${this.name}" (if its proxy allows), or give the job fewer periods per chunk.`,
        },
      );
    }
    const answers: T[] = [];
    for (const part of parts) answers.push(await this.get<T>(path, query(part)));
    return answers;
  }

  get maxUrlLength(): number {
    return this.connection.maxUrlLength ?? DEFAULT_MAX_URL_LENGTH;
  }

  /**
   * The latest moment of the server's clock this client has seen (a `Date` header): a request sent now
   * reaches the server at this moment or later.
   */
  serverTime(): number | undefined {
    return this.latestDate;
  }

  async get<T = unknown>(path: string, query: Query = {}): Promise<T> {
    return (await this.request('GET', path, query)).body as T;
  }

  async post(
    path: string,
    query: Query,
    body: unknown,
    options: { acceptConflict?: boolean } = {},
  ): Promise<Dhis2Response> {
    return this.request('POST', path, query, body, options);
  }

  async request(
    method: string,
    path: string,
    query: Query = {},
    body?: unknown,
    options: {
      acceptConflict?: boolean;
      retries?: number;
      /** Send a string body as text/plain (the expression endpoints read the body as the text itself). */
      text?: boolean;
    } = {},
  ): Promise<Dhis2Response> {
    const url = this.url(path, query);
    const { pathname, search } = new URL(url);
    if (pathname.length + search.length > this.maxUrlLength) {
      // Callers split long lists (core/split-request.ts); this would be refused by the proxy (414).
      throw new T2aError(
        'internal',
        `t2a built a ${pathname.length + search.length}-byte URL for ${pathname}, over the ${this.maxUrlLength} bytes connection "${this.name}" allows.`,
        {
          fix: 'This is a bug in t2a: report it with the log. Raising maxUrlLength works only if the proxy in front of DHIS2 takes longer URLs.',
        },
      );
    }
    const log = this.logger.child({ instance: this.name, method, path: new URL(url).pathname });
    let attempts = 0;
    try {
      return await pRetry(
        () => {
          attempts += 1;
          return this.attempt(method, url, body, options.acceptConflict ?? false, options.text);
        },
        {
          retries: options.retries ?? this.connection.retries,
          minTimeout: this.connection.retryDelayMs,
          factor: 2,
          randomize: true,
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            if (retriesLeft > 0)
              log.warn(
                { attempt: attemptNumber, retriesLeft, err: error.message },
                'request failed, retrying',
              );
          },
        },
      );
    } catch (error) {
      // Say "after N attempts" only when there were retries.
      if (attempts > 1 && error instanceof T2aError) {
        throw new T2aError(
          error.kind,
          `${error.message.replace(/\.$/, '')} (after ${attempts} attempts).`,
          {
            fix: error.fix,
            details: error.details,
            cause: error,
            httpStatus: error.httpStatus,
          },
        );
      }
      throw error;
    }
  }

  private async attempt(
    method: string,
    url: string,
    body: unknown,
    acceptConflict: boolean,
    asText = false,
  ): Promise<Dhis2Response> {
    let response: Response;
    const type = asText ? 'text/plain' : 'application/json';
    try {
      response = await this.transport(
        new Request(url, {
          method,
          redirect: 'manual',
          headers: {
            authorization: this.authorization,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': type }),
          },
          signal: AbortSignal.timeout(this.connection.timeoutMs),
          ...(body === undefined ? {} : { body: asText ? String(body) : JSON.stringify(body) }),
        }),
      );
    } catch (error) {
      const failure = this.networkError(error, url);
      // A name the DNS does not know stays unknown for the next 21 s of retries: say so at once.
      throw unresolved(error) ? new AbortError(failure) : failure;
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.networkError(error, url);
    }
    const parsed = parseBody(text);
    const date = Date.parse(response.headers.get('date') ?? '');
    if (!Number.isNaN(date)) this.latestDate = Math.max(this.latestDate ?? date, date);
    if (response.ok || (acceptConflict && response.status === 409))
      return {
        status: response.status,
        body: parsed,
        ...(Number.isNaN(date) ? {} : { date }),
      };
    throw this.httpError(response, parsed, url);
  }

  private networkError(error: unknown, url: string): T2aError {
    const timedOut = (error as Error).name === 'TimeoutError';
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    if (unresolved(error)) {
      const host = new URL(url).hostname;
      return new T2aError(
        'connection',
        `Cannot resolve host ${host}: check the url of connection "${this.name}".`,
        {
          fix: `This machine's DNS does not know ${host} (${cause}). Correct the url of connection "${this.name}" in the configuration; if it is right, check the DNS settings here (\`getent hosts ${host}\` should print its address).`,
          cause: error,
        },
      );
    }
    return new T2aError(
      'connection',
      timedOut
        ? `${this.name} did not answer within ${this.connection.timeoutMs / 1000} s (${new URL(url).pathname}).`
        : `Cannot reach ${this.name} at ${this.connection.url}: ${cause ?? (error as Error).message}.`,
      {
        fix: timedOut
          ? 'The server is slow or the request too large: raise timeoutSeconds, or make the job’s chunks smaller.'
          : 'Check the URL, that the server is up, and the network between t2a and it.',
        cause: error,
      },
    );
  }

  private httpError(response: Response, body: unknown, url: string): Error {
    const message =
      typeof body === 'object' && body !== null && 'message' in body
        ? String((body as { message: unknown }).message)
        : undefined;
    const path = new URL(url).pathname;
    if (response.status === 401 || (response.status >= 300 && response.status < 400)) {
      return new AbortError(
        new T2aError(
          'auth',
          `${this.name} refused t2a's credentials (HTTP ${response.status}${message ? `: ${message}` : ''}).`,
          {
            fix: 'Check the username and password or the personal access token (expiry, allowed IPs and methods) for this connection.',
            details: body,
          },
        ),
      );
    }
    if (response.status === 403) {
      return new AbortError(
        new T2aError(
          'auth',
          `${this.name} does not let t2a's user do this: ${message ?? 'forbidden'} (${path}).`,
          {
            fix: 'Give the user the authority or sharing this needs (see t2a doctor).',
            details: body,
          },
        ),
      );
    }
    const refusal = accessRefusal(body);
    const error = new T2aError(
      'dhis2',
      `${this.name} answered HTTP ${response.status} to ${path}${message ? `: ${message}` : ''}.`,
      {
        fix: refusal
          ? refusal(this.name)
          : response.status >= 500
            ? 'A server error: check the DHIS2 server log.'
            : tooLong(response.status, body)
              ? `The proxy in front of ${this.name} refused a ${path.length + new URL(url).search.length}-byte URL: set maxUrlLength of connection "${this.name}" below that, and t2a splits its requests to fit.`
              : 'Check the request parameters named in the message.',
        details: body,
        httpStatus: response.status,
      },
    );
    // 5xx, 429 and gateway errors pass; other answers will not change on a retry.
    return response.status >= 500 || response.status === 429 ? error : new AbortError(error);
  }
}

/**
 * The 409s by which DHIS2 refuses a user data it may not read, and what the administrator does:
 * E7217 program indicators without F_VIEW_EVENT_ANALYTICS (`DefaultAnalyticsSecurityManager
 * .decideAccessEventQuery`), E7120 an org unit outside the user's data view units (`decideAccess`),
 * E2010 a data set it may not read, E2012 an org unit it may not view (`DataValueSetService`
 * `validateAccess`, 2.36.13; `DataExportParams` 2.43).
 */
const ACCESS_REFUSALS: Record<string, (server: string) => string> = {
  E7217: (server) =>
    `Give the connection's user on ${server} a role with "View event analytics" (F_VIEW_EVENT_ANALYTICS).`,
  E7120: (server) =>
    `Add the job's org units (or an org unit above them) to the user's data view org units on ${server}.`,
  E2010: (server) =>
    `Share the data set with the connection's user on ${server} with data read access (Sharing: "Can view data").`,
  E2012: (server) =>
    `Add the job's org units (or an org unit above them) to the user's data view or capture org units on ${server}.`,
};

function accessRefusal(body: unknown): ((server: string) => string) | undefined {
  const code = (body as { errorCode?: unknown } | null | undefined)?.errorCode;
  return typeof code === 'string' ? ACCESS_REFUSALS[code] : undefined;
}

/** nginx answers an over-long request line with 414, Tomcat with 400 "Request header is too large". */
function tooLong(status: number, body: unknown): boolean {
  return status === 414 || (status === 400 && /too large/i.test(String(body)));
}

/**
 * Whether a request failed because the host name could not be resolved: ENOTFOUND (no such name) or
 * EAI_AGAIN (the DNS server did not answer), as Node's fetch reports them in its error's cause.
 */
function unresolved(error: unknown): boolean {
  const code = (error as { cause?: { code?: string } } | undefined)?.cause?.code;
  return code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
