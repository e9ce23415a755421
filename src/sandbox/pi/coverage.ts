import { compileProgramIndicator } from '../../program-indicators/compile.ts';
import type { MetadataObject } from '../metadata/store.ts';

export interface CoverageReport {
  readonly packages: {
    readonly name: string;
    readonly total: number;
    /** Indicators the sandbox answers as DHIS2 does: with values, or with DHIS2's own error. */
    readonly evaluable: number;
    /** Indicators DHIS2 cannot run either (a package defect), answered with its error. */
    readonly failingInDhis2: { id: string; name: string; reason: string }[];
    /** Indicators the sandbox cannot evaluate though DHIS2 can. */
    readonly failures: { id: string; name: string; reason: string }[];
  }[];
  readonly total: number;
  readonly evaluable: number;
}

/**
 * How many program indicators of metadata packages the sandbox can evaluate, and why not the rest.
 * References resolve across all the given packages (a T2A add-on names its tracker package's stages).
 */
export function measureProgramIndicatorCoverage(
  packages: readonly { name: string; metadata: Record<string, unknown> }[],
): CoverageReport {
  const indexOf = (metadata: Record<string, unknown>, into = new Map<string, MetadataObject>()) => {
    for (const [type, value] of Object.entries(metadata)) {
      if (!Array.isArray(value)) continue;
      for (const object of value as MetadataObject[])
        if (object && typeof object.id === 'string') into.set(`${type}|${object.id}`, object);
    }
    return into;
  };
  const shared = new Map<string, MetadataObject>();
  for (const { metadata } of packages) indexOf(metadata, shared);
  const reports = packages.map(({ name, metadata }) => {
    // Packages share UIDs (a stage of IMM_EIR is also in EPI_EIR, older): a package's own objects win.
    const own = indexOf(metadata);
    const lookup = (type: string, id: string) =>
      own.get(`${type}|${id}`) ?? shared.get(`${type}|${id}`);
    const indicators = (
      Array.isArray(metadata.programIndicators) ? metadata.programIndicators : []
    ) as MetadataObject[];
    const failures: { id: string; name: string; reason: string }[] = [];
    const failingInDhis2: { id: string; name: string; reason: string }[] = [];
    for (const indicator of indicators) {
      const result = compileProgramIndicator(indicator, lookup);
      if (result.ok) continue;
      const entry = { id: result.id, name: result.name, reason: result.reason };
      (result.dhis2Error ? failingInDhis2 : failures).push(entry);
    }
    return {
      name,
      total: indicators.length,
      evaluable: indicators.length - failures.length,
      failingInDhis2,
      failures,
    };
  });
  return {
    packages: reports,
    total: reports.reduce((sum, r) => sum + r.total, 0),
    evaluable: reports.reduce((sum, r) => sum + r.evaluable, 0),
  };
}
