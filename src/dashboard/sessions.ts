import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Dashboard sessions, in the memory of `t2a serve` (a restart logs everyone out, which is the safe
 * default). Every session, even before login, carries its own CSRF token; logging in replaces the session
 * (a new id), so an id planted before login is worth nothing after it.
 */
export interface Session {
  readonly id: string;
  readonly csrf: string;
  /** Who logged in; undefined before login. */
  readonly user: string | undefined;
  readonly expiresAt: number;
}

const token = () => randomBytes(32).toString('base64url');
/** Sessions before login are cheap to make: keep only so many, the oldest dropped first. */
const MAX_ANONYMOUS = 1000;
const ANONYMOUS_MS = 30 * 60_000;

export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A session before login, for the login form's CSRF token. */
  anonymous(): Session {
    this.sweep();
    const anonymous = [...this.sessions.values()].filter((session) => !session.user);
    for (const old of anonymous.slice(0, Math.max(0, anonymous.length - MAX_ANONYMOUS + 1)))
      this.sessions.delete(old.id);
    return this.add(undefined, ANONYMOUS_MS);
  }

  /** Logs a user in: the session they came with is dropped and a new one made. */
  login(user: string, previous: string | undefined): Session {
    if (previous) this.sessions.delete(previous);
    return this.add(user, this.lifetimeMs);
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (session && session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  logout(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private add(user: string | undefined, lifetimeMs: number): Session {
    const session = { id: token(), csrf: token(), user, expiresAt: this.now() + lifetimeMs };
    this.sessions.set(session.id, session);
    return session;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions)
      if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Whether a request's CSRF token is the session's, compared in constant time. */
export function csrfMatches(session: Session, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Failed logins per user name: after five in fifteen minutes the name is refused for fifteen minutes,
 * so a password cannot be guessed through the form.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limit = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}

  blocked(username: string): boolean {
    return this.recent(username).length >= this.limit;
  }

  failed(username: string): void {
    this.failures.set(username, [...this.recent(username), this.now()]);
  }

  succeeded(username: string): void {
    this.failures.delete(username);
  }

  private recent(username: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(username) ?? []).filter((at) => at > since);
  }
}
