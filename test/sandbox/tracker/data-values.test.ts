import { describe, expect, it } from 'vitest';
import { api } from '../helpers.ts';
import {
  DATA_ELEMENTS,
  EVENT_PROGRAM,
  EVENT_STAGE,
  enrollment,
  orgUnitsParam,
  person,
  postTracker,
  trackerSandbox,
  VERSIONS,
} from './fixture.ts';

const [DE1, DE2, DE3, DE4] = DATA_ELEMENTS;

const event = (
  id: string,
  unit: string,
  values: { dataElement: string; value?: string | null }[],
) => ({
  event: id,
  program: EVENT_PROGRAM,
  programStage: EVENT_STAGE,
  orgUnit: unit,
  occurredAt: '2026-09-10',
  status: 'COMPLETED',
  dataValues: values,
});

describe.each(VERSIONS)('POST /api/tracker updates of data values, %s', async (version) => {
  const { sandbox, unit } = await trackerSandbox(version);
  const stored = async (id: string) => {
    const read = await api(
      sandbox,
      `/api/tracker/events?program=${EVENT_PROGRAM}&fields=event,dataValues[dataElement,value]&paging=false&skipPaging=true`,
    );
    const list = read.body.events ?? read.body.instances;
    const found = list.find((e: { event: string }) => e.event === id);
    return Object.fromEntries(
      found.dataValues.map((dv: { dataElement: string; value: string }) => [
        dv.dataElement,
        dv.value,
      ]),
    );
  };

  // EventDataValueTest.testEventDataValueUpdate (2.36.13 TT bundle L103-L146, misnamed
  // testTrackedEntityProgramAttributeValueUpdate; 2.43.1 IT tracker/imports/bundle L100-L126): of four
  // stored values the omitted one is kept, the null one deleted, one updated — three remain.
  it('keeps an omitted data value, deletes a null one, updates a changed one', async () => {
    const first = [
      { dataElement: DE1, value: 'First' },
      { dataElement: DE2, value: 'Second' },
      { dataElement: DE3, value: 'Third' },
      { dataElement: DE4, value: 'Fourth' },
    ];
    expect(
      (await postTracker(sandbox, { events: [event('EvDvUpdate1', unit, first)] })).status,
    ).toBe(200);
    const update = [
      { dataElement: DE1, value: 'First' },
      { dataElement: DE3, value: null },
      { dataElement: DE4, value: 'Fourth updated' },
    ];
    const answer = await postTracker(sandbox, { events: [event('EvDvUpdate1', unit, update)] });
    expect(answer.body.stats).toEqual({ created: 0, updated: 1, deleted: 0, ignored: 0, total: 1 });
    expect(await stored('EvDvUpdate1')).toEqual({
      [DE1]: 'First',
      [DE2]: 'Second',
      [DE4]: 'Fourth updated',
    });
  });

  it('deletes a value sent as "", and from 2.42 one of whitespace only (EventPersister isEmpty → isBlank @2.42.5)', async () => {
    const first = [
      { dataElement: DE1, value: 'a' },
      { dataElement: DE2, value: 'b' },
    ];
    await postTracker(sandbox, { events: [event('EvDvBlank01', unit, first)] });
    await postTracker(sandbox, {
      events: [
        event('EvDvBlank01', unit, [
          { dataElement: DE1, value: '' },
          { dataElement: DE2, value: '  ' },
        ]),
      ],
    });
    const blankDeletes = version === '2.42' || version === '2.43';
    expect(await stored('EvDvBlank01')).toEqual(blankDeletes ? {} : { [DE2]: '  ' });
  });
});

describe.each(VERSIONS)('tracked entity attributes on update, %s', async (version) => {
  const { sandbox, unit } = await trackerSandbox(version);
  const attributes = async (id: string) => {
    const read = await api(
      sandbox,
      `/api/tracker/trackedEntities?trackedEntityType=DemoPerson1&${orgUnitsParam(version, unit)}&fields=trackedEntity,attributes[attribute,value]`,
    );
    const list = read.body.trackedEntities ?? read.body.instances;
    const found = list.find((e: { trackedEntity: string }) => e.trackedEntity === id);
    return Object.fromEntries(
      found.attributes.map((a: { attribute: string; value: string }) => [a.attribute, a.value]),
    );
  };

  // TrackedEntityAttributeTest.shouldDeleteAttributeValueWhenImportingEmptyValueForExistingAttribute
  // (IT tracker/imports/bundle @2.43.1 L232): three attributes, an UPDATE sending only one as "" leaves
  // the other two; AbstractTrackerPersister @2.36.13 L374-L430 does the same in every version.
  it('keeps omitted attributes and deletes one sent empty', async () => {
    const three = { DemoTeaSex1: 'Female', DemoTeaFnm1: 'Ama', DemoTeaLnm1: 'Mensah' };
    await postTracker(sandbox, { trackedEntities: [person('TeAttrDel01', unit, three)] });
    const answer = await postTracker(
      sandbox,
      { trackedEntities: [person('TeAttrDel01', unit, { DemoTeaSex1: '' })] },
      '&importStrategy=UPDATE',
    );
    expect(answer.body.stats.updated).toBe(1);
    expect(await attributes('TeAttrDel01')).toEqual({ DemoTeaFnm1: 'Ama', DemoTeaLnm1: 'Mensah' });
  });

  // …shouldNotPersistAttributeValueWhenImportingEmptyValueForAttributeNotInDb (@2.43.1 L197).
  it('does not store an empty value for an attribute it does not hold', async () => {
    await postTracker(sandbox, {
      trackedEntities: [person('TeAttrNew01', unit, { DemoTeaFnm1: 'Kofi' })],
    });
    await postTracker(sandbox, {
      trackedEntities: [person('TeAttrNew01', unit, { DemoTeaDob1: '' })],
    });
    expect(await attributes('TeAttrNew01')).toEqual({ DemoTeaFnm1: 'Kofi' });
  });

  // EnrollmentPersister.updateAttributes writes an enrollment's attributes onto its tracked entity
  // through the same merge (@2.36.13 L86-L90).
  it('merges an enrollment payload’s attributes into its tracked entity', async () => {
    await postTracker(sandbox, {
      trackedEntities: [person('TeAttrEnr01', unit, { DemoTeaFnm1: 'Esi', DemoTeaSex1: 'F' })],
    });
    await postTracker(sandbox, {
      enrollments: [
        {
          ...enrollment('EnAttrEnr01', 'TeAttrEnr01', unit),
          attributes: [
            { attribute: 'DemoTeaLnm1', value: 'Owusu' },
            { attribute: 'DemoTeaSex1', value: null },
          ],
        },
      ],
    });
    expect(await attributes('TeAttrEnr01')).toEqual({ DemoTeaFnm1: 'Esi', DemoTeaLnm1: 'Owusu' });
  });
});
