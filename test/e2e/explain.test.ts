import { describe, expect, it } from 'vitest';
import { explainValue } from '../../src/jobs/explain.ts';
import { resolveJob } from '../../src/jobs/resolve-job.ts';
import {
  child,
  configFor,
  contextOf,
  demoSandboxes,
  expectedValues,
  runAnalytics,
  send,
  storeOf,
  sync,
  targetValues,
  uid,
} from './harness.ts';

const NOW = new Date('2026-04-10T08:00:00Z');
const PERIOD = '202603';

describe('t2a explain', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.41',
    target: '2.41',
    facilities: 3,
    now: NOW,
  });
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: `{ fixed: [${PERIOD}] }`,
  });
  const report = await sync(loaded);
  const ctx = () => ({ ...contextOf(loaded), store: storeOf(loaded)! });
  const held = await targetValues(target, ids.dataSet, ids.root, [PERIOD]);
  const exported = await expectedValues(source, ids.group, ids.root, [PERIOD]);

  const explain = async (key: string) => {
    const [dataElement, coc, , orgUnit] = key.split('|');
    const c = ctx();
    const resolved = await resolveJob(c, 'immunisation', { periods: [PERIOD], dryRun: true });
    return explainValue(c, resolved, {
      dataElement: dataElement!,
      categoryOptionCombo: coc,
      period: PERIOD,
      orgUnit: orgUnit!,
    });
  };

  it('follows a value from the source through the ledger to the target', async () => {
    const [key, value] = [...held].find(([, v]) => Number(v) > 1)!;
    const e = await explain(key);
    expect(Number(e.source.value)).toBe(Number(exported.get(key)));
    expect(Number(e.source.value)).toBe(Number(value));
    expect(e.ledger.runId).toBe(report.jobs[0]!.runId);
    expect(e.ledger.value).toBe(value);
    expect(e.target.value).toBe(value);
    expect(e.target.changedAfterT2a).toBe(false);
    expect(e.mapping.indicators[0]!.periodRule).toContain('March 2026 (2026-03-01 to 2026-03-31)');
    expect(e.mapping.indicators[0]!.analyticsType).toBe('EVENT');
  });

  it('lists the events behind the value, by UID with a Capture link, and they add up', async () => {
    const [key, value] = [...held].find(([, v]) => Number(v) > 1)!;
    const e = await explain(key);
    expect(e.records.length).toBe(Number(value));
    expect(e.recordsAddUp).toBe(true);
    expect(e.ownEvaluation).toEqual({ value: Number(value) });
    expect(e.notes.filter((note) => note.includes('own evaluation'))).toEqual([]);
    for (const record of e.records) {
      expect(record.uid).toMatch(/^\w{11}$/);
      expect(record.date! >= '2026-03-01' && record.date! <= '2026-03-31').toBe(true);
      expect(record.link).toContain(
        `/dhis-web-capture/index.html#/enrollmentEventEdit?eventId=${record.uid}`,
      );
      expect(record.attributes).toBeUndefined();
      expect(record.meets).toEqual(e.mapping.indicators[0]!.parts.map(() => true));
    }
  });

  it('reports a record entered after analytics ran: DHIS2 lists what analytics holds, t2a counts one more', async () => {
    const [key, value] = [...held].find(
      ([k, v]) => k.startsWith('IMM_BCG_DOSES|LT1Y_F|') && Number(v) > 0,
    )!;
    const orgUnit = key.split('|')[3]!;
    await send(source, 'POST', 'tracker?async=false', {
      trackedEntities: [child('late0001', orgUnit, 'FEMALE', '2026-02-01', 'BCG', 1, '2026-03-20')],
    });
    const e = await explain(key);
    expect(Number(e.source.value)).toBe(Number(value));
    expect(e.recordsAddUp).toBe(true);
    expect(e.ownEvaluation).toEqual({ value: Number(value) + 1 });
    const notes = e.notes.join(' ');
    expect(notes).toContain(
      `t2a's own evaluation counts 1 record(s) DHIS2 does not list: ${uid('Ev', 'late0001')} (1 changed in the tracker after analytics last ran`,
    );
    expect(notes).toContain(
      `gives ${Number(value) + 1}; the source's analytics gives ${e.source.value}`,
    );
  });

  it('says which part of the rule a record DHIS2 still lists no longer meets', async () => {
    const [key] = [...held].find(
      ([k, v]) => k.startsWith('IMM_BCG_DOSES|LT1Y_F|') && Number(v) > 0,
    )!;
    const before = await explain(key);
    const changed = before.records.find((record) => record.uid !== uid('Ev', 'late0001'))!;
    // A clerk corrects the dose after analytics ran: DHIS2's listing still counts the event.
    await send(source, 'POST', 'tracker?async=false', {
      events: [
        {
          event: changed.uid,
          program: 'DemoEirPrg1',
          programStage: changed.programStage,
          enrollment: changed.enrollment,
          orgUnit: changed.orgUnit,
          occurredAt: changed.date,
          dataValues: [
            { dataElement: 'DemoDeVacc1', value: 'BCG' },
            { dataElement: 'DemoDeDose1', value: '2' },
          ],
        },
      ],
    });
    const e = await explain(key);
    const parts = e.mapping.indicators[0]!.parts;
    const record = e.records.find((r) => r.uid === changed.uid)!;
    expect(parts.filter((_, i) => record.meets?.[i] === false)).toEqual([
      '#{DemoVaccStg.DemoDeDose1} == 1',
    ]);
    expect(e.notes.join(' ')).toContain(
      `DHIS2 lists 1 record(s) t2a's own evaluation over the tracker records does not count: ${changed.uid} (1 changed in the tracker after analytics last ran`,
    );
  });

  it("shows the people's attributes only when asked, as the source's user reads them", async () => {
    const [key] = [...held].find(
      ([k, v]) => k.startsWith('IMM_BCG_DOSES|LT1Y_F|') && Number(v) > 0,
    )!;
    const [dataElement, coc, , orgUnit] = key.split('|');
    const c = ctx();
    const resolved = await resolveJob(c, 'immunisation', { periods: [PERIOD], dryRun: true });
    const e = await explainValue(c, resolved, {
      dataElement: dataElement!,
      categoryOptionCombo: coc,
      period: PERIOD,
      orgUnit: orgUnit!,
      showAttributes: true,
    });
    expect(e.records.length).toBeGreaterThan(0);
    for (const record of e.records)
      expect(Object.values(record.attributes ?? {})).toContain('FEMALE');
  });

  it('flags a value a person changed after t2a wrote it', async () => {
    const [key, value] = [...held].find(([, v]) => Number(v) > 1)!;
    const [dataElement, coc, , orgUnit] = key.split('|');
    await send(
      target,
      'POST',
      'dataValueSets?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE',
      {
        dataValues: [
          {
            dataElement,
            categoryOptionCombo: coc,
            period: PERIOD,
            orgUnit,
            value: String(Number(value) + 7),
          },
        ],
      },
    );
    const e = await explain(key);
    expect(e.target.value).toBe(String(Number(value) + 7));
    expect(e.ledger.value).toBe(value);
    expect(e.target.changedAfterT2a).toBe(true);
    expect(e.notes.join(' ')).toContain('Changed after t2a');
  });

  it('names a cell no indicator writes as a usage error', async () => {
    await expect(explain(`NOPE|default|${PERIOD}|${ids.root}`)).rejects.toMatchObject({
      kind: 'usage',
    });
  });
});

describe('t2a explain --json', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.39',
    target: '2.40',
    facilities: 2,
    now: NOW,
  });
  const { file, env } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: `{ fixed: [${PERIOD}] }`,
  });

  it('prints the explanation as JSON with mapping, source, ledger, target, records and recordsAddUp', async () => {
    const { explainCommand } = await import('../../src/cli/commands/explain.ts');
    const { loadConfig } = await import('../../src/config/load.ts');
    const report = await sync(loadConfig(file, env));
    const [key] = [...(await targetValues(target, ids.dataSet, ids.root, [PERIOD]))].find(
      ([, v]) => Number(v) > 0,
    )!;
    const [dataElement, coc, , orgUnit] = key.split('|');
    const printed: string[] = [];
    const write = process.stdout.write;
    Object.assign(process.env, env);
    process.stdout.write = ((text: string) => printed.push(text) > 0) as typeof write;
    let code: number;
    try {
      code = await explainCommand({
        config: file,
        dataElement: dataElement!,
        categoryOptionCombo: coc!,
        // The last run's job and its one period.
        run: 'last',
        orgUnit: orgUnit!,
        json: true,
      });
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(0);
    const json = JSON.parse(printed.join(''));
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['mapping', 'source', 'ledger', 'target', 'records', 'recordsAddUp']),
    );
    expect(json.source.value).toBeDefined();
    expect(json.recordsAddUp).toBe(true);
    expect(json.cell.period).toBe(PERIOD);
    expect(json.ledger.runId).toBe(report.jobs[0]!.runId);
    for (const record of json.records) expect(record.uid).toMatch(/^\w{11}$/);
  });
});

describe('t2a explain after a tracker correction', async () => {
  const { source, target, ids } = await demoSandboxes({
    source: '2.40',
    target: '2.40',
    facilities: 2,
    now: NOW,
  });
  const { loaded } = configFor({
    source,
    target,
    group: ids.group,
    root: ids.root,
    periods: `{ fixed: [${PERIOD}] }`,
    jobExtra: '    reconcile: { maxDeleteShare: 1 }',
  });

  it('names the run that deleted a value whose records were deleted in the tracker', async () => {
    await sync(loaded);
    const [key, value] = [...(await targetValues(target, ids.dataSet, ids.root, [PERIOD]))][0]!;
    const [dataElement, coc, , orgUnit] = key.split('|') as [string, string, string, string];
    const events = source.context.db
      .prepare(
        "SELECT id, program_stage FROM events WHERE org_unit = ? AND substr(occurred_at, 1, 7) = '2026-03' AND deleted = 0",
      )
      .all(orgUnit) as { id: string; program_stage: string }[];
    await send(source, 'POST', 'tracker?async=false&importStrategy=DELETE', {
      events: events.map((e) => ({ event: e.id, programStage: e.program_stage })),
    });
    await runAnalytics(source);
    const second = await sync(loaded);
    const ctx = { ...contextOf(loaded), store: storeOf(loaded)! };
    const resolved = await resolveJob(ctx, 'immunisation', { periods: [PERIOD], dryRun: true });
    const e = await explainValue(ctx, resolved, {
      dataElement,
      categoryOptionCombo: coc,
      period: PERIOD,
      orgUnit,
    });
    expect(e.source.value).toBeUndefined();
    expect(e.target.value).toBeUndefined();
    expect(e.ledger.value).toBeUndefined();
    expect(e.ledger.deleted).toEqual([
      expect.objectContaining({ runId: second.jobs[0]!.runId, value }),
    ]);
    expect(e.records).toEqual([]);
    expect(e.recordsAddUp).toBe(true);
  });
});
