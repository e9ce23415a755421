import { describe, expect, it } from 'vitest';
import { configSchema, type DashboardConfig } from '../../src/config/schema.ts';
import { addTiming, noTimings } from '../../src/core/chunk-timings.ts';
import { mayUseDashboard } from '../../src/dashboard/auth.ts';
import { hashPassword, verifyPassword } from '../../src/dashboard/password.ts';
import { safeNext } from '../../src/dashboard/security.ts';
import { checkDashboardConfig } from '../../src/dashboard/server.ts';
import { csrfMatches, LoginThrottle, Sessions } from '../../src/dashboard/sessions.ts';

const b64url = (text: string | Buffer) => Buffer.from(text).toString('base64url');

describe('dashboard passwords', () => {
  it('verifies RFC 7914’s own scrypt test vector (password, NaCl, N=1024, r=8, p=16)', async () => {
    // RFC 7914 §12, the second vector: an independent answer, not one made by this code.
    const key = Buffer.from(
      'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
      'hex',
    );
    const hash = `scrypt$1024$8$16$${b64url('NaCl')}$${b64url(key)}`;
    expect(await verifyPassword('password', hash)).toBe(true);
    expect(await verifyPassword('Password', hash)).toBe(false);
  });

  it('hashes with a fresh salt each time, and verifies only the password hashed', async () => {
    const [a, b] = [await hashPassword('correct horse'), await hashPassword('correct horse')];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse ', a)).toBe(false);
  });

  it('says no, never throws, for a hash of another shape', async () => {
    for (const hash of [
      '',
      'district',
      'scrypt$1$2',
      'bcrypt$10$abc$def$ghi$jkl',
      'scrypt$16384$8$1$salt$',
    ])
      expect(await verifyPassword('district', hash)).toBe(false);
  });

  it('refuses a plain password in the configuration, naming the command that makes a hash', () => {
    const parsed = configSchema.shape.serve.safeParse({
      dashboard: { users: [{ username: 'admin', passwordHash: 'district' }] },
    });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('t2a hash-password');
  });
});

describe('dashboard sessions', () => {
  it('gives a new session id at login, and ends sessions when they expire', () => {
    let now = 0;
    const sessions = new Sessions(60_000, () => now);
    const before = sessions.anonymous();
    const after = sessions.login('admin', before.id);
    expect(after.id).not.toBe(before.id);
    expect(after.csrf).not.toBe(before.csrf);
    expect(sessions.get(before.id)).toBeUndefined();
    expect(sessions.get(after.id)?.user).toBe('admin');
    now = 59_999;
    expect(sessions.get(after.id)).toBeDefined();
    now = 60_000;
    expect(sessions.get(after.id)).toBeUndefined();
  });

  it('keeps at most a thousand sessions of visitors who never log in', () => {
    const sessions = new Sessions(60_000);
    const first = sessions.anonymous();
    for (let i = 0; i < 1000; i++) sessions.anonymous();
    expect(sessions.get(first.id)).toBeUndefined();
  });

  it('matches only the session’s own CSRF token', () => {
    const session = new Sessions(60_000).anonymous();
    expect(csrfMatches(session, session.csrf)).toBe(true);
    expect(csrfMatches(session, undefined)).toBe(false);
    expect(csrfMatches(session, '')).toBe(false);
    expect(csrfMatches(session, `${session.csrf}x`)).toBe(false);
  });

  it('locks a user name out for 15 minutes after five failed logins in 15 minutes, then lets it in', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 4; i++) throttle.failed('admin');
    expect(throttle.blocked('admin')).toBe(false);
    now = 60_000;
    throttle.failed('admin');
    expect(throttle.blocked('admin')).toBe(true);
    expect(throttle.blocked('other')).toBe(false);
    expect(throttle.lockedOut()).toEqual([{ username: 'admin', until: 16 * 60_000 }]);
    now = 16 * 60_000 - 1;
    expect(throttle.blocked('admin')).toBe(true);
    now = 16 * 60_000;
    expect(throttle.blocked('admin')).toBe(false);
    expect(throttle.lockedOut()).toEqual([]);
    // The failures before the lock-out do not count again: one more wrong password is one.
    throttle.failed('admin');
    expect(throttle.blocked('admin')).toBe(false);
  });

  it('forgets failures older than 15 minutes', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 4; i++) throttle.failed('admin');
    now = 15 * 60_000 + 1;
    throttle.failed('admin');
    expect(throttle.blocked('admin')).toBe(false);
  });

  it('ends a lock-out at once when an administrator clears it, and counts failures from zero', () => {
    const throttle = new LoginThrottle(() => 0);
    for (let i = 0; i < 5; i++) throttle.failed('data-clerk');
    expect(throttle.blocked('data-clerk')).toBe(true);
    expect(throttle.clear('data-clerk')).toBe(true);
    expect(throttle.blocked('data-clerk')).toBe(false);
    expect(throttle.clear('data-clerk')).toBe(false);
    for (let i = 0; i < 4; i++) throttle.failed('data-clerk');
    expect(throttle.blocked('data-clerk')).toBe(false);
  });

  it('returns after login only to a path of the dashboard itself', () => {
    expect(safeNext('/runs?job=x')).toBe('/runs?job=x');
    for (const next of [
      '//evil.example.org',
      '/\\evil.example.org',
      'https://evil.example.org',
      '',
      undefined,
    ])
      expect(safeNext(next)).toBe('/jobs');
  });

  it('lets DHIS2 users in who are superusers, or members of the groups named', () => {
    const user = (authorities: string[], userGroups: string[]) => ({
      username: 'u',
      authorities,
      orgUnitPaths: [],
      userGroups,
    });
    expect(mayUseDashboard(user(['ALL'], []), [])).toBe(true);
    expect(mayUseDashboard(user(['F_DATAVALUE_ADD'], ['GrpHmisAdm1']), [])).toBe(false);
    expect(mayUseDashboard(user(['F_DATAVALUE_ADD'], ['GrpHmisAdm1']), ['GrpHmisAdm1'])).toBe(true);
    expect(mayUseDashboard(user(['ALL'], []), ['GrpHmisAdm1'])).toBe(false);
  });
});

describe('where the dashboard may listen', () => {
  const config = (extra: Partial<DashboardConfig>): DashboardConfig => ({
    port: 8080,
    host: '127.0.0.1',
    users: [{ username: 'a', passwordHash: 'scrypt$1$1$1$a$b' }],
    behindProxy: false,
    sessionHours: 8,
    ...extra,
  });

  it('on loopback as it is; elsewhere only with TLS or behind a proxy', () => {
    for (const host of ['127.0.0.1', '127.0.1.1', 'localhost', '::1'])
      expect(() => checkDashboardConfig(config({ host }), 't2a.yaml')).not.toThrow();
    for (const host of ['0.0.0.0', '10.1.2.3', '::', 'hmis.example.org'])
      expect(() => checkDashboardConfig(config({ host }), 't2a.yaml')).toThrow(/clear text/);
    expect(() =>
      checkDashboardConfig(config({ host: '0.0.0.0', behindProxy: true }), 't2a.yaml'),
    ).not.toThrow();
    expect(() =>
      checkDashboardConfig(
        config({ host: '0.0.0.0', tls: { cert: 'c.pem', key: 'k.pem' } }),
        't2a.yaml',
      ),
    ).not.toThrow();
  });

  it('not at all when no one could log in', () => {
    expect(() => checkDashboardConfig(config({ users: [] }), 't2a.yaml')).toThrow(
      /no one could log in/,
    );
  });
});

describe('chunk timings', () => {
  it('add up every chunk and keep the five slowest, slowest first', () => {
    const timings = [3, 9, 1, 7, 5, 8, 2].reduce(
      (so, ms, index) =>
        addTiming(so, {
          periods: [`20260${index + 1}`],
          orgUnits: 'x',
          exportMs: ms,
          deliverMs: 1,
        }),
      noTimings(),
    );
    expect(timings).toMatchObject({ chunks: 7, exportMs: 35, deliverMs: 7 });
    expect(timings.slowest.map((t) => t.exportMs)).toEqual([9, 8, 7, 5, 3]);
  });
});
