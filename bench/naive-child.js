import { readFileSync } from 'node:fs';
import { peakRssMb } from './peak-rss.js';

/**
 * The floor: the two HTTP calls per chunk a minimal script makes (analytics export, then import of the
 * body as it came), with no checks, no retries, no summary. Same chunks and concurrency as t2a.
 */
const [
  sourceUrl,
  targetUrl,
  sourceToken,
  targetToken,
  group,
  attribute,
  periodsArg,
  orgUnitsFile,
  sizeArg,
  concurrencyArg,
] = process.argv.slice(2);
const periods = periodsArg.split(',');
const orgUnits = readFileSync(orgUnitsFile, 'utf8').split(',');
const size = Number(sizeArg);
const concurrency = Number(concurrencyArg);
const headers = { authorization: `ApiToken ${sourceToken}`, 'content-type': 'application/json' };
const targetHeaders = {
  authorization: `ApiToken ${targetToken}`,
  'content-type': 'application/json',
};

const started = performance.now();
const indicators = await (
  await fetch(
    `${sourceUrl}/api/programIndicators?fields=id&paging=false&filter=programIndicatorGroups.id:eq:${group}`,
    { headers },
  )
).json();
const dx = indicators.programIndicators.map((pi) => pi.id).join(';');
const chunks = [];
for (const period of periods)
  for (let i = 0; i < orgUnits.length; i += size)
    chunks.push([period, orgUnits.slice(i, i + size).join(';')]);
let exported = 0;
let next = 0;
async function worker() {
  while (next < chunks.length) {
    const [period, ou] = chunks[next++];
    const body = await (
      await fetch(
        `${sourceUrl}/api/analytics/dataValueSet.json?dimension=dx:${dx}&dimension=pe:${period}&dimension=ou:${ou}&outputIdScheme=ATTRIBUTE:${attribute}&outputOrgUnitIdScheme=UID`,
        { headers },
      )
    ).text();
    exported += (body.match(/"dataElement"/g) ?? []).length;
    await (
      await fetch(
        `${targetUrl}/api/dataValueSets?dataElementIdScheme=CODE&categoryOptionComboIdScheme=CODE`,
        { method: 'POST', headers: targetHeaders, body },
      )
    ).text();
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, exported, peakRssMb: peakRssMb() })}\n`);
