import pLimit from 'p-limit';
import type { Finding } from '../core/validation.ts';
import { probeIndicator } from '../dhis2/analytics.ts';
import type { ResolvedJob } from './resolve-job.ts';

/** How many indicators are asked about at once: small requests, but the source serves people too. */
const AT_ONCE = 3;

/**
 * Asks the source to evaluate each mapped indicator of a job once, alone, for the job's latest period
 * and first org unit: a small request DHIS2 plans as one SQL statement, so an indicator whose SQL fails
 * is answered with DHIS2's error instead of being dropped from a larger request (2.38.5+). Before
 * 2.38.5 a grammar error (a missing column) is answered as no rows, so it cannot be seen this way.
 */
export async function indicatorsThatFail(
  resolved: ResolvedJob,
): Promise<{ id: string; name: string; message: string }[]> {
  const period = resolved.periods.at(-1);
  const orgUnit = resolved.orgUnits[0]?.id;
  if (!period || !orgUnit) return [];
  const limit = pLimit(AT_ONCE);
  const indicators = new Map(resolved.mappings.map((m) => [m.programIndicator, m.name]));
  const answers = await Promise.all(
    [...indicators].map(([id, name]) =>
      limit(async () => {
        const answer = await probeIndicator(resolved.source.client, resolved.source.info.profile, {
          programIndicator: id,
          periods: [period],
          orgUnits: [orgUnit],
          mappingAttribute: resolved.job.mappingAttribute,
        });
        return answer.evaluates ? [] : [{ id, name, message: answer.refusal }];
      }),
    ),
  );
  return answers.flat();
}

/** Each indicator the source cannot evaluate, as a validation finding: a warning, since a sync withholds it alone. */
export async function evaluationFindings(resolved: ResolvedJob): Promise<Finding[]> {
  return (await indicatorsThatFail(resolved)).map(({ id, name, message }) => ({
    kind: 'indicator-fails-on-source',
    severity: 'warning',
    programIndicator: { id, name },
    message: `${resolved.source.client.name} cannot evaluate "${name}" (${id}): ${message}. A sync leaves it out and delivers the other indicators; what t2a wrote for it before is kept.`,
    fix: 'Correct the indicator’s expression or filter in the source’s Maintenance app (DHIS2’s message says what fails), or run analytics if it says a table is missing.',
  }));
}
