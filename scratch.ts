import { validateOffline } from './src/jobs/validate-offline.ts';

const F = '/work/shared/fixtures/';
const pairs: [string, string[], string[]][] = [
  [
    'CVC',
    [F + 'CVC_EIR/CVC_EIR_TRK_DHIS2.39.0-en.metadata.json'],
    [F + 'CVC_EIR/CVC_EIR_AGG_AGG_DHIS2.38.2-en.metadata.json'],
  ],
  [
    'CVC T2A',
    [F + 'CVC_EIR/CVC_EIR_T2A_DHIS2.39.0-en.metadata.json'],
    [F + 'CVC_EIR/CVC_EIR_AGG_AGG_DHIS2.38.2-en.metadata.json'],
  ],
  [
    'MPOX',
    [F + 'MPOX_EIR/MPOX_EIR_TRK_DHIS2.40.4.1-en.metadata.json'],
    [F + 'MPOX_EPI/MPOX_EPI_AGG_complete.metadata.json'],
  ],
  [
    'IMM 2023',
    [F + 'IMM_EIR/IMM_EIR_TRK_DHIS2.40.5-en.metadata.json'],
    [F + 'IMM_AGG/IMM_AGG_AGG_DHIS2.39.1.1-en.2023-03-06.metadata.json'],
  ],
  [
    'IMM 2025',
    [F + 'IMM_EIR/IMM_EIR_TRK_DHIS2.40.5-en.metadata.json'],
    [F + 'IMM_AGG/IMM_AGG_AGG_DHIS2.40.5-en.2025-01-14.metadata.json'],
  ],
  [
    'TB 2026',
    [F + 'TB_HH/TB_HH_TRK_DHIS2.39.4-en.metadata.json'],
    [F + 'TB_AGG/TB_AGG_AGG_DHIS2.41.6.1-en.2026-02-09.metadata.json'],
  ],
  [
    'TB 2023',
    [F + 'TB_HH/TB_HH_TRK_DHIS2.39.4-en.metadata.json'],
    [F + 'TB_AGG/TB_AGG_NO_AGG_DHIS2.40.0.1-en.2023-07-13.metadata.json'],
  ],
  [
    'TB 2021',
    [F + 'TB_HH/TB_HH_TRK_DHIS2.39.4-en.metadata.json'],
    [F + 'TB_AGG/TB_COMPLETE_V1.1.0_DHIS2.34.2021-03-09.metadata.json'],
  ],
];

import { readdirSync } from 'node:fs';

const it = readdirSync(F + 'integration-t2a').filter((f) => f.endsWith('.json'));
pairs.push([
  'integration-t2a',
  it.map((f) => F + 'integration-t2a/' + f),
  [F + 'IMM_AGG/IMM_AGG_AGG_DHIS2.40.5-en.2025-01-14.metadata.json'],
]);
for (const [name, s, t] of pairs) {
  const r = validateOffline({ sourceFiles: s, targetFiles: t, mappingAttribute: 'vudyDP7jUy5' });
  const counts: Record<string, number> = {};
  for (const f of r.findings)
    counts[`${f.severity}:${f.kind}`] = (counts[`${f.severity}:${f.kind}`] ?? 0) + 1;
  console.log(name, r.indicators, r.mapped, JSON.stringify(counts));
}
