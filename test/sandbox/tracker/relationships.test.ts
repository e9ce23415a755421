import { describe, expect, it } from 'vitest';
import { relationshipCount } from '../../../src/sandbox/tracker/relationships.ts';
import { api } from '../helpers.ts';
import {
  at,
  orgUnitsParam,
  PERSON_TO_PERSON,
  PERSON_TO_PERSON_BI,
  person,
  postTracker,
  trackerSandbox,
  VERSIONS,
} from './fixture.ts';

/**
 * Relationships: CREATE and DELETE only (RelationshipPersister.isUpdatable() == false), items named
 * by a UID string up to 2.39 (tracker domain.RelationshipItem) and by a nested object from 2.40 (the
 * import body's view.RelationshipItem). d2:relationshipCount counts a tracked entity's live
 * relationships on either side (D2RelationshipCount.getSql joins every relationshipitem of the
 * relationship; `r.deleted is false` from 2.39).
 */
const objectItems = (version: string) => !['2.36', '2.37', '2.38', '2.39'].includes(version);
const item = (version: string, trackedEntity: string) =>
  objectItems(version) ? { trackedEntity: { trackedEntity } } : { trackedEntity };

describe.each(VERSIONS)('relationships through POST /api/tracker, %s', async (version) => {
  const { sandbox, unit } = await trackerSandbox(version, new Date('2026-10-05T08:00:00Z'));
  const ctx = sandbox.context;
  const relationship = (id: string, type: string, from: string, to: string) => ({
    relationship: id,
    relationshipType: type,
    from: item(version, from),
    to: item(version, to),
  });
  await postTracker(sandbox, {
    trackedEntities: ['TeRel000001', 'TeRel000002', 'TeRel000003'].map((id) => person(id, unit)),
  });

  it('creates relationships that relationshipCount counts on both sides, by type or all', async () => {
    const answer = await postTracker(sandbox, {
      relationships: [
        relationship('RelTest0001', PERSON_TO_PERSON, 'TeRel000001', 'TeRel000002'),
        relationship('RelTest0002', PERSON_TO_PERSON_BI, 'TeRel000003', 'TeRel000001'),
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.bundleReport.typeReportMap.RELATIONSHIP.stats.created).toBe(2);
    expect(relationshipCount(ctx, 'TeRel000001')).toBe(2);
    expect(relationshipCount(ctx, 'TeRel000001', PERSON_TO_PERSON)).toBe(1);
    expect(relationshipCount(ctx, 'TeRel000002')).toBe(1);
    expect(relationshipCount(ctx, 'TeRel000002', PERSON_TO_PERSON_BI)).toBe(0);
  });

  // ExistenceValidator (relationship) @2.43.1: a relationship sent again is not updated — a warning
  // E4015 (from 2.37) and the object ignored; CREATE of it is an error from 2.39.
  it('ignores a relationship sent again', async () => {
    const answer = await postTracker(
      sandbox,
      {
        relationships: [
          relationship('RelTest0001', PERSON_TO_PERSON, 'TeRel000001', 'TeRel000002'),
        ],
      },
      '&reportMode=WARNINGS',
    );
    expect(answer.status).toBe(200);
    expect(answer.body.stats).toEqual({ created: 0, updated: 0, deleted: 0, ignored: 1, total: 1 });
    const warnings = answer.body.validationReport.warningReports.map(
      (w: { errorCode: string }) => w.errorCode,
    );
    expect(warnings).toEqual(version === '2.36' ? [] : ['E4015']);
  });

  it('refuses an unknown type (E4006), a link to itself (E4000), an item in the other version’s shape (E4001)', async () => {
    const unknown = await postTracker(sandbox, {
      relationships: [relationship('RelTest0003', 'NoSuchType1', 'TeRel000001', 'TeRel000002')],
    });
    expect(unknown.body.validationReport.errorReports[0].errorCode).toBe('E4006');
    const self = await postTracker(sandbox, {
      relationships: [relationship('RelTest0004', PERSON_TO_PERSON, 'TeRel000001', 'TeRel000001')],
    });
    expect(self.body.validationReport.errorReports[0].errorCode).toBe('E4000');
    const otherShape = objectItems(version)
      ? { trackedEntity: 'TeRel000001' }
      : { trackedEntity: { trackedEntity: 'TeRel000001' } };
    const wrong = await postTracker(sandbox, {
      relationships: [
        {
          relationship: 'RelTest0005',
          relationshipType: PERSON_TO_PERSON,
          from: otherShape,
          to: item(version, 'TeRel000002'),
        },
      ],
    });
    expect(wrong.body.validationReport.errorReports[0].errorCode).toBe('E4001');
  });

  it('deletes a relationship, which then no longer counts', async () => {
    at(sandbox, '2026-10-05T09:00:00Z');
    const answer = await postTracker(
      sandbox,
      { relationships: [{ relationship: 'RelTest0002' }] },
      '&importStrategy=DELETE',
    );
    expect(answer.body.stats.deleted).toBe(1);
    expect(relationshipCount(ctx, 'TeRel000001')).toBe(1);
    expect(relationshipCount(ctx, 'TeRel000003')).toBe(0);
  });

  // RelationshipPersister.getUpdatedTrackedEntities / deleteRelationships (2.39+): the origins — the
  // `from` tracked entity, and the `to` one of a bidirectional type — are stamped; not before 2.39.
  it('stamps the relationship’s origins from 2.39', async () => {
    const stamp = async (id: string) => {
      const read = await api(
        sandbox,
        `/api/tracker/trackedEntities?trackedEntityType=DemoPerson1&${orgUnitsParam(version, unit)}`,
      );
      const list = read.body.trackedEntities ?? read.body.instances;
      return (
        list.find((t: { trackedEntity: string }) => t.trackedEntity === id).updatedAt as string
      ).slice(0, 16);
    };
    const since39 = !['2.36', '2.37', '2.38'].includes(version);
    expect(await stamp('TeRel000003')).toBe(since39 ? '2026-10-05T09:00' : '2026-10-05T08:00');
    expect(await stamp('TeRel000001')).toBe(since39 ? '2026-10-05T09:00' : '2026-10-05T08:00');
    expect(await stamp('TeRel000002')).toBe('2026-10-05T08:00');
  });
});
