import { readFileSync } from 'node:fs';
import { cpuSeconds, peakRssMb } from './peak-rss.js';

/**
 * The floor: the two HTTP calls per chunk a minimal script makes (analytics export, then import of the
 * body as it came), with no checks, no retries, no summary. Same chunks and concurrency as t2a.
 * With `integers` (the fair floor) it also asks the target which data elements hold integers, once, and
 * writes their values as integers ("5.0" → "5", one regular expression over the body), which DHIS2
 * needs to store them: so it stores every value, as t2a does.
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
  mode,
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
const integerElements = mode === 'integers' ? await integerDataElements() : undefined;
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
        {
          method: 'POST',
          headers: targetHeaders,
          body: integerElements ? asIntegers(body, integerElements) : body,
        },
      )
    ).text();
  }
}
/** The codes of the target's data elements whose value type is an integer. */
async function integerDataElements() {
  const answer = await (
    await fetch(`${targetUrl}/api/dataElements?fields=code,valueType&paging=false`, {
      headers: targetHeaders,
    })
  ).json();
  return new Set(
    answer.dataElements
      .filter((element) => element.valueType?.startsWith('INTEGER'))
      .map((element) => element.code),
  );
}

/** `"value":"5.0"` → `"value":"5"` in the values of integer data elements (analytics writes keys in order). */
function asIntegers(body, integers) {
  return body.replace(/("dataElement":"([^"]*)"[^}]*?"value":"-?\d+)\.0"/g, (whole, head, code) =>
    integers.has(code) ? `${head}"` : whole,
  );
}

await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, exported, peakRssMb: peakRssMb(), cpuSeconds: cpuSeconds() })}\n`,
);
