import { T2aError } from '../core/errors.ts';
import type { Dhis2Client } from './client.ts';
import { type ServerProfile, serverProfile } from './server-profile.ts';
import { parseServerVersion, type ServerVersion } from './version.ts';

export interface SystemInfo {
  readonly version: ServerVersion;
  /** What t2a does differently for this version. */
  readonly profile: ServerProfile;
  readonly calendar: string;
  /** The server's date and time, in its own time zone (DHIS2 writes no zone). */
  readonly serverDate: string | undefined;
  readonly lastAnalyticsTableSuccess: string | undefined;
  /**
   * A moment of the server's clock (a `Date` header, UTC) as the server's wall clock
   * (yyyy-MM-ddTHH:mm:ss), the way it stamps the values it stores: its zone's offset is what
   * `serverDate` (wall clock) and the `Date` header of the same answer differ by. Undefined when the
   * server said neither.
   */
  readonly wallClock: ((moment: number) => string) | undefined;
}

/** `GET /api/system/info` (SystemInfo.java): version, calendar and analytics age. */
export async function getSystemInfo(client: Dhis2Client): Promise<SystemInfo> {
  let info: Record<string, unknown>;
  let date: number | undefined;
  try {
    const response = await client.request('GET', 'system/info');
    info = response.body as Record<string, unknown>;
    date = response.date;
  } catch (error) {
    // Every DHIS2 answers /api/system/info to any user it lets in: a 404, an error page or a server error
    // here means the URL leads somewhere else (or DHIS2 is not up behind it), not a wrong request.
    if (error instanceof T2aError && error.kind === 'dhis2')
      throw notDhis2(client, error.message, error);
    throw error;
  }
  if (typeof info !== 'object' || info === null || typeof info.version !== 'string') {
    throw notDhis2(client, `${client.name} did not answer /api/system/info as DHIS2 does.`, info);
  }
  const version = parseServerVersion(info.version);
  const serverDate = typeof info.serverDate === 'string' ? info.serverDate : undefined;
  return {
    version,
    profile: serverProfile(version),
    calendar: typeof info.calendar === 'string' ? info.calendar : 'iso8601',
    serverDate,
    wallClock: serverDate && date !== undefined ? wallClockFrom(serverDate, date) : undefined,
    lastAnalyticsTableSuccess:
      typeof info.lastAnalyticsTableSuccess === 'string'
        ? info.lastAnalyticsTableSuccess
        : undefined,
  };
}

const QUARTER_HOUR = 15 * 60_000;

/**
 * The server's wall clock for a moment of its `Date` header, from one answer that carried both: time
 * zones are whole quarter hours from UTC, so the difference, rounded, is the zone (the seconds between
 * DHIS2 reading its clock and the answer leaving do not matter).
 */
export function wallClockFrom(
  serverDate: string,
  date: number,
): ((moment: number) => string) | undefined {
  // Whatever zone suffix a server adds, its wall clock is what precedes it.
  const wall = Date.parse(`${serverDate.slice(0, 19)}Z`);
  if (Number.isNaN(wall)) return undefined;
  const zone = Math.round((wall - date) / QUARTER_HOUR) * QUARTER_HOUR;
  return (moment) => new Date(moment + zone).toISOString().slice(0, 19);
}

function notDhis2(client: Dhis2Client, message: string, details: unknown): T2aError {
  return new T2aError(
    'connection',
    `${message.replace(/\.$/, '')}: ${client.connection.url} does not look like a DHIS2 server.`,
    {
      fix: `Check the url of connection "${client.name}": the DHIS2 base URL as in the browser before /dhis-web-… (without /api), not a login, proxy or landing page; and that DHIS2 is up behind it.`,
      details,
    },
  );
}

/**
 * The server's own date (yyyy-MM-dd): a job's periods follow the day where the server is, which at 02:00
 * in Nairobi is still yesterday in UTC. Without `serverDate` (older servers), this machine's local date.
 */
export function serverToday(info: SystemInfo): string {
  return info.serverDate?.slice(0, 10) ?? localIsoDate(new Date());
}

/** A moment's date (yyyy-MM-dd) in this machine's time zone. */
export function localIsoDate(moment: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}
