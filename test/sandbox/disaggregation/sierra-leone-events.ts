import type { RunningSandbox } from '../../../src/sandbox/index.ts';
import { api } from '../helpers.ts';
import { E2E_AUTH, GENDERS, SL } from './sierra-leone-ids.ts';

/**
 * Ngelehun's 2021 events by gender and weight, `queryAllWeightsByGenderAndWeight`'s 48 expected rows
 * (l.645–692): weight → count; "Other" weights are drawn below 20 and above 60, "Missing" has none.
 */
export const EXPECTED_CELLS: Record<'Female' | 'Male', [number | 'Other' | 'Missing', number][]> = {
  Female: [
    [21, 2],
    [22, 2],
    [24, 1],
    [26, 1],
    [30, 2],
    [31, 1],
    [32, 2],
    [33, 1],
    [35, 1],
    [37, 1],
    [43, 1],
    [44, 2],
    [47, 3],
    [51, 1],
    [52, 1],
    [54, 1],
    [55, 1],
    [56, 1],
    [57, 1],
    [59, 1],
    ['Other', 22],
    ['Missing', 2],
  ],
  Male: [
    [20, 1],
    [21, 1],
    [22, 1],
    [25, 1],
    [26, 1],
    [27, 1],
    [28, 1],
    [30, 1],
    [31, 2],
    [32, 2],
    [34, 2],
    [36, 1],
    [39, 2],
    [40, 1],
    [42, 1],
    [43, 2],
    [45, 1],
    [50, 1],
    [54, 3],
    [55, 3],
    [56, 1],
    [57, 1],
    [58, 1],
    [59, 1],
    ['Other', 22],
    ['Missing', 11],
  ],
};

type EventSpec = { orgUnit: string; date: string; gender?: string; weight?: string };

/**
 * The events: every expected cell's events at Ngelehun in 2021, and four DHIS2 leaves out of every
 * query above: one of 2020, one at Njandama, one without a gender (no Gender option matches) and one
 * of 20.5 kg (no Weight option matches).
 */
export function e2eEvents(): EventSpec[] {
  const events: EventSpec[] = [];
  let n = 0;
  const date = () => {
    n += 1;
    return `2021-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`;
  };
  for (const gender of GENDERS)
    for (const [w, count] of EXPECTED_CELLS[gender])
      for (let i = 0; i < count; i += 1) {
        const weight =
          w === 'Missing' ? undefined : w === 'Other' ? (i % 2 === 0 ? '12' : '75') : String(w);
        events.push({ orgUnit: SL.ngelehun, date: date(), gender, ...(weight ? { weight } : {}) });
      }
  events.push({ orgUnit: SL.ngelehun, date: '2020-12-31', gender: 'Female', weight: '30' });
  events.push({ orgUnit: SL.njandama, date: '2021-05-05', gender: 'Male', weight: '40' });
  events.push({ orgUnit: SL.ngelehun, date: '2021-06-06', weight: '40' });
  events.push({ orgUnit: SL.ngelehun, date: '2021-07-07', gender: 'Female', weight: '20.5' });
  return events;
}

export async function postEvents(sandbox: RunningSandbox, events: readonly EventSpec[]) {
  const body = {
    events: events.map((e, i) => ({
      event: `SlEvent${String(i).padStart(4, '0')}`,
      program: SL.program,
      programStage: SL.stage,
      orgUnit: e.orgUnit,
      occurredAt: e.date,
      status: 'COMPLETED',
      dataValues: [
        ...(e.gender ? [{ dataElement: SL.genderDe, value: e.gender }] : []),
        ...(e.weight ? [{ dataElement: SL.weightDe, value: e.weight }] : []),
      ],
    })),
  };
  const answer = await api(sandbox, '/api/tracker?async=false', { auth: E2E_AUTH, body });
  if (answer.status !== 200)
    throw new Error(`events not imported: ${JSON.stringify(answer.body).slice(0, 500)}`);
}
