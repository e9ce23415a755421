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
}

/** `GET /api/system/info` (SystemInfo.java): version, calendar and analytics age. */
export async function getSystemInfo(client: Dhis2Client): Promise<SystemInfo> {
  const info = await client.get<Record<string, unknown>>('system/info');
  if (typeof info !== 'object' || info === null || typeof info.version !== 'string') {
    throw new T2aError('dhis2', `${client.name} did not answer /api/system/info as DHIS2 does.`, {
      fix: 'Check that the connection URL is the DHIS2 base URL (without /api) and not a login or proxy page.',
      details: info,
    });
  }
  const version = parseServerVersion(info.version);
  return {
    version,
    profile: serverProfile(version),
    calendar: typeof info.calendar === 'string' ? info.calendar : 'iso8601',
    serverDate: typeof info.serverDate === 'string' ? info.serverDate : undefined,
    lastAnalyticsTableSuccess:
      typeof info.lastAnalyticsTableSuccess === 'string'
        ? info.lastAnalyticsTableSuccess
        : undefined,
  };
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
