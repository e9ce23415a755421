/** How to reach one DHIS2 instance, with its secret read. Never logged, never stored. */
export interface Dhis2Connection {
  readonly name: string;
  /** The base URL, without `/api`. */
  readonly url: string;
  readonly auth:
    | { readonly kind: 'token'; readonly token: string }
    | { readonly kind: 'basic'; readonly username: string; readonly password: string };
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  /** Longest path and query t2a sends (requests are split to stay under it); 8000 when not said. */
  readonly maxUrlLength?: number;
}
