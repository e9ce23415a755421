import type { Explanation } from '../core/explain.ts';

const or = (value: string | undefined, none = 'no value') => value ?? none;

function cellLine(e: Explanation): string {
  const { cell } = e;
  const combos = [
    cell.categoryOptionCombo ?? 'default',
    ...(cell.attributeOptionCombo ? [cell.attributeOptionCombo] : []),
  ];
  return `${cell.dataElement} / ${combos.join(' / ')} — ${cell.periodName} (${cell.period}) — ${cell.orgUnitName} (${cell.orgUnit})`;
}

function chainLines(e: Explanation): string[] {
  const { source, ledger, target } = e;
  const age =
    source.analyticsAgeHours === undefined ? '' : `, ${source.analyticsAgeHours.toFixed(1)} h ago`;
  const run = ledger.run
    ? ` in run ${ledger.runId} (started ${ledger.run.startedAt}, ${ledger.run.status})`
    : '';
  const lines = [
    `  Source ${source.connection}: ${or(source.value)} (analytics last ran ${or(source.analyticsLastRun, 'never')}${age})`,
    `  t2a sent: ${ledger.known ? (ledger.value !== undefined ? `${ledger.value}${run}` : 'nothing recorded') : 'unknown (no store)'}`,
    `  Target ${target.connection}: ${or(target.value)}${target.storedBy ? `, stored by ${target.storedBy}` : ''}${target.lastUpdated ? ` on ${target.lastUpdated}` : ''}${target.changedAfterT2a ? '  ⚠ changed after t2a' : ''}`,
  ];
  if (target.audit === undefined) lines.push('  Audit trail: not available to t2a on this target');
  else if (target.audit.length > 0) {
    lines.push('  Audit trail (each entry keeps the value before the change):');
    for (const entry of target.audit)
      lines.push(
        `    ${or(entry.created, '?')}  ${entry.auditType}  ${or(entry.value, '—')}  by ${or(entry.modifiedBy, '?')}`,
      );
  }
  return lines;
}

/** The parts of the rule a record does not meet in the tracker now (t2a's own evaluation). */
export function partsNotMet(e: Explanation, meets: readonly boolean[] | undefined): string[] {
  const parts = e.mapping.indicators[0]?.parts ?? [];
  return parts.filter((_, index) => meets?.[index] === false);
}

function recordLines(e: Explanation): string[] {
  const lines = [`Records (${e.records.length}, from ${e.recordsFrom}):`];
  for (const r of e.records)
    lines.push(
      `  ${r.uid}  ${or(r.date, '—')}  ${r.orgUnitName ?? r.orgUnit ?? ''}${r.programStageName ? `  ${r.programStageName}` : ''}  value ${r.value}\n    ${r.link}${
        r.attributes
          ? `\n    ${Object.entries(r.attributes)
              .map(([name, value]) => `${name}: ${value}`)
              .join('; ')}`
          : ''
      }${partsNotMet(e, r.meets)
        .map((part) => `\n    ✖ does not meet now: ${part}`)
        .join('')}`,
    );
  lines.push(
    e.recordsAddUp
      ? `  ✔ They add up to the source's value (${e.recordsTotal ?? 0}).`
      : `  ✖ They do not add up to the source's value${e.recordsTotal === undefined ? '' : ` (they give ${e.recordsTotal})`}.`,
  );
  return lines;
}

/** The explanation for people: the cell, its indicator in words, the chain of values, the records. */
export function renderExplanation(e: Explanation): string {
  const lines = [`Where does ${cellLine(e)} come from?`, '', 'Mapping:'];
  for (const indicator of e.mapping.indicators) {
    lines.push(`  ${indicator.inWords}`);
    lines.push(
      `  Program indicator ${indicator.id}, ${indicator.analyticsType} analytics, programme ${indicator.program.name}.`,
    );
    lines.push(`  Expression: ${indicator.expression}`);
    if (indicator.filter) lines.push(`  Filter: ${indicator.filter.replace(/\s+/g, ' ')}`);
  }
  lines.push('', 'Values:', ...chainLines(e), '', ...recordLines(e));
  if (e.notes.length > 0) lines.push('', 'Notes:', ...e.notes.map((note) => `  • ${note}`));
  return `${lines.join('\n')}\n`;
}
