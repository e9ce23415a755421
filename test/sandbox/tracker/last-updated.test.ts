import { describe, expect, it } from 'vitest';
import { api } from '../helpers.ts';
import {
  at,
  enrollment,
  orgUnitsParam,
  person,
  postTracker,
  trackerSandbox,
  VERSIONS,
  vaccination,
} from './fixture.ts';

/**
 * What moves `lastUpdated` (research 05 §8, A2), worked out by hand per version:
 * - every written object is stamped (converters @2.36.13, `TrackerObjectsMapper` @2.43.1);
 * - the tracked entity of a written event or enrollment is stamped when the child was updated
 *   (2.36–2.38, `AbstractTrackerPersister` @2.36.13 L168; `LastUpdateImportTest.shouldUpdateTeiIfEventIsUpdated`
 *   @2.36.13 L112) or created or updated (2.39+, @2.39.10 L136/L143);
 * - updating an event leaves its enrollment alone;
 * - deleting an event stamps its enrollment and tracked entity (@2.36.13 L135-L141;
 *   `LastUpdateImportTest.shouldUpdateTrackedEntityAndDeleteEnrolledEventWhenEventIsDeleted` @2.38.7 L347);
 * - the soft delete stamps the deleted object from 2.38 only (`SoftDeleteHibernateObjectStore` @2.38.7 L59-L60).
 */
const old = (version: string) => ['2.36', '2.37'].includes(version);
const before39 = (version: string) => ['2.36', '2.37', '2.38'].includes(version);

describe.each(VERSIONS)('lastUpdated of tracker writes, %s', async (version) => {
  const { sandbox, unit } = await trackerSandbox(version, new Date('2026-10-05T08:00:00Z'));
  const updatedAt = async (kind: 'events' | 'enrollments' | 'trackedEntities', id: string) => {
    const query =
      kind === 'events'
        ? 'program=DemoEirPrg1'
        : kind === 'enrollments'
          ? 'program=DemoEirPrg1'
          : 'trackedEntityType=DemoPerson1';
    const read = await api(
      sandbox,
      `/api/tracker/${kind}?${query}&${kind === 'events' ? `orgUnit=${unit}` : orgUnitsParam(version, unit)}&includeDeleted=true&paging=false&skipPaging=true`,
    );
    const list = read.body[kind] ?? read.body.instances;
    const key =
      kind === 'events' ? 'event' : kind === 'enrollments' ? 'enrollment' : 'trackedEntity';
    const found = list.find((item: Record<string, string>) => item[key] === id);
    return (found.updatedAt as string).slice(0, 16);
  };

  it('stamps the written objects and their tracked entity, create or update by version', async () => {
    at(sandbox, '2026-10-05T08:00:00Z');
    await postTracker(sandbox, {
      trackedEntities: [
        {
          ...person('TeLu0000001', unit),
          enrollments: [
            {
              ...enrollment('EnLu0000001', 'TeLu0000001', unit),
              events: [vaccination('EvLu0000001', 'EnLu0000001', unit)],
            },
          ],
        },
        person('TeLu0000002', unit),
      ],
    });
    at(sandbox, '2026-10-05T09:00:00Z');
    await postTracker(sandbox, {
      events: [vaccination('EvLu0000001', 'EnLu0000001', unit, 'Measles')],
    });
    expect(await updatedAt('events', 'EvLu0000001')).toBe('2026-10-05T09:00');
    expect(await updatedAt('trackedEntities', 'TeLu0000001')).toBe('2026-10-05T09:00');
    expect(await updatedAt('enrollments', 'EnLu0000001')).toBe('2026-10-05T08:00');

    at(sandbox, '2026-10-05T10:00:00Z');
    await postTracker(sandbox, { events: [vaccination('EvLu0000002', 'EnLu0000001', unit)] });
    expect(await updatedAt('trackedEntities', 'TeLu0000001')).toBe(
      before39(version) ? '2026-10-05T09:00' : '2026-10-05T10:00',
    );
    expect(await updatedAt('enrollments', 'EnLu0000001')).toBe('2026-10-05T08:00');
  });

  it('stamps the enrollment and tracked entity of a deleted event, the event itself from 2.38', async () => {
    at(sandbox, '2026-10-05T11:00:00Z');
    await postTracker(sandbox, { events: [{ event: 'EvLu0000001' }] }, '&importStrategy=DELETE');
    expect(await updatedAt('events', 'EvLu0000001')).toBe(
      old(version) ? '2026-10-05T09:00' : '2026-10-05T11:00',
    );
    expect(await updatedAt('enrollments', 'EnLu0000001')).toBe('2026-10-05T11:00');
    expect(await updatedAt('trackedEntities', 'TeLu0000001')).toBe('2026-10-05T11:00');
  });

  it('keeps a deleted tracked entity’s lastUpdated up to 2.37 when nothing cascades', async () => {
    at(sandbox, '2026-10-05T12:00:00Z');
    await postTracker(
      sandbox,
      { trackedEntities: [{ trackedEntity: 'TeLu0000002' }] },
      '&importStrategy=DELETE',
    );
    expect(await updatedAt('trackedEntities', 'TeLu0000002')).toBe(
      old(version) ? '2026-10-05T08:00' : '2026-10-05T12:00',
    );
  });

  // LastUpdateImportTest.shouldUpdateTeiIfEnrollmentIsUpdated (@2.36.13 L136; @2.43.1
  // shouldUpdateTrackedEntityWhenEnrollmentIsUpdated L320).
  it('stamps the tracked entity of an updated enrollment', async () => {
    at(sandbox, '2026-10-05T13:00:00Z');
    await postTracker(sandbox, {
      enrollments: [
        { ...enrollment('EnLu0000001', 'TeLu0000001', unit), enrolledAt: '2026-09-03' },
      ],
    });
    expect(await updatedAt('enrollments', 'EnLu0000001')).toBe('2026-10-05T13:00');
    expect(await updatedAt('trackedEntities', 'TeLu0000001')).toBe('2026-10-05T13:00');
  });
});
