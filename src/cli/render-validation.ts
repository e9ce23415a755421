import type { Finding } from '../core/validation.ts';
import type { ValidationReport } from '../jobs/validate-offline.ts';

const MARK = { error: '✖', warning: '⚠', info: 'ℹ' } as const;

export function renderFinding(finding: Finding): string[] {
  const lines = [
    `${MARK[finding.severity]} ${finding.severity.toUpperCase()} ${finding.kind}: ${finding.message}`,
  ];
  if (finding.programIndicator)
    lines.push(`    indicator: ${finding.programIndicator.name} (${finding.programIndicator.id})`);
  if (finding.suggestions?.length)
    lines.push(`    closest existing: ${finding.suggestions.join(', ')}`);
  lines.push(`    fix: ${finding.fix}`);
  return lines;
}

/** The validation report for a person: errors first, then warnings, then notes; counts at the end. */
export function renderValidationReport(report: ValidationReport): string {
  const order = { error: 0, warning: 1, info: 2 } as const;
  const sorted = [...report.findings].sort((a, b) => order[a.severity] - order[b.severity]);
  const lines = sorted.flatMap(renderFinding);
  lines.push(
    '',
    `${report.indicators} program indicators, ${report.mapped} mapped: ${report.errors} error(s), ${report.warnings} warning(s), ${report.findings.length - report.errors - report.warnings} note(s).`,
  );
  return lines.join('\n');
}
