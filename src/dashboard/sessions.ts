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

/** How long a user name stays locked out after five failed logins (README "The dashboard"). */
export const LOCKOUT_MINUTES = 15;
const MINUTE = 60_000;

/**
 * Failed logins per user name: the fifth in fifteen minutes locks the name out for LOCKOUT_MINUTES, so a
 * password cannot be guessed through the form. A lock-out ends by itself, and a logged-in administrator
 * can clear it at once from the Jobs page (a colleague who mistyped need not wait, nor serve restart).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly locked = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limit = 5,
    private readonly windowMs = 15 * MINUTE,
    private readonly lockMs = LOCKOUT_MINUTES * MINUTE,
  ) {}

  /** When the user name's lock-out ends, or undefined when it may log in. */
  lockedUntil(username: string): number | undefined {
    const until = this.locked.get(username);
    if (until !== undefined && until <= this.now()) this.locked.delete(username);
    return this.locked.get(username);
  }

  blocked(username: string): boolean {
    return this.lockedUntil(username) !== undefined;
  }

  failed(username: string): void {
    const recent = [...this.recent(username), this.now()];
    if (recent.length < this.limit) {
      this.failures.set(username, recent);
      return;
    }
    this.failures.delete(username);
    this.locked.set(username, this.now() + this.lockMs);
  }

  succeeded(username: string): void {
    this.failures.delete(username);
  }

  /** The user names locked out now, each with the moment its lock-out ends. */
  lockedOut(): { readonly username: string; readonly until: number }[] {
    return [...this.locked.keys()].flatMap((username) => {
      const until = this.lockedUntil(username);
      return until === undefined ? [] : [{ username, until }];
    });
  }

  /** Ends a lock-out before its time; false when the name was not locked out. */
  clear(username: string): boolean {
    this.failures.delete(username);
    return this.locked.delete(username);
  }

  private recent(username: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(username) ?? []).filter((at) => at > since);
  }
}
