import type { DataValue } from '../core/data-value.ts';
import {
  type DisaggregatedIndicator,
  type Disaggregation,
  disaggregate,
  exportKey,
} from '../core/disaggregation.ts';
import type { Finding } from '../core/finding.ts';
import {
  type IndicatorMapping,
  isDisaggregated,
  type ProgramIndicatorMetadata,
} from '../core/mapping.ts';
import type { Dhis2Client } from '../dhis2/client.ts';
import {
  fetchCategoryMappings,
  fetchSourceCombos,
  fetchTargetCombos,
} from '../dhis2/disaggregation-metadata.ts';

/*
 * A job's 2.42 disaggregated indicators, resolved against each target: the cells each can write there,
 * and the findings validation and sync read. Values come out of analytics under the indicator's
 * `aggregateExportDataElement` and the source's combo UIDs; `fromExport` turns them into the target's
 * codes as soon as they are exported, so every later step sees an ordinary value.
 */

export interface JobDisaggregation {
  /** Per target (in the job's order): the cells and what stands in their way. */
  readonly perTarget: readonly Disaggregation[];
  /** The mappings of the first target's cells: the job's, beside the attribute-mapped ones. */
  readonly mappings: readonly IndicatorMapping[];
  /** An exported value's key → the cell it is in the first target. */
  readonly fromExport: ReadonlyMap<string, IndicatorMapping>;
}

export const NO_DISAGGREGATION: JobDisaggregation = {
  perTarget: [],
  mappings: [],
  fromExport: new Map(),
};

/** The shadow data element of a disaggregated cell: the target's code with the job's suffix. */
const shadowed = (d: Disaggregation, suffix: string | undefined): Disaggregation =>
  suffix
    ? {
        ...d,
        cells: d.cells.map((cell) => ({
          ...cell,
          mapping: { ...cell.mapping, dataElement: `${cell.mapping.dataElement}${suffix}` },
        })),
      }
    : d;

export async function resolveDisaggregation(
  source: Dhis2Client,
  targets: readonly Dhis2Client[],
  indicators: readonly ProgramIndicatorMetadata[],
  shadowSuffix: string | undefined,
): Promise<JobDisaggregation> {
  const disaggregated = indicators.filter(isDisaggregated);
  if (disaggregated.length === 0) return NO_DISAGGREGATION;
  const comboIds = disaggregated.flatMap((pi) => [
    ...(pi.categoryCombo ? [pi.categoryCombo.id] : []),
    ...(pi.attributeCombo ? [pi.attributeCombo.id] : []),
  ]);
  const combos = await fetchSourceCombos(source, comboIds);
  const mappings = await fetchCategoryMappings(
    source,
    disaggregated.flatMap((pi) => pi.program?.id ?? []),
  );
  const asRead: DisaggregatedIndicator[] = disaggregated.map((pi) => ({
    id: pi.id,
    name: pi.name,
    aggregateExportDataElement: pi.aggregateExportDataElement!.trim(),
    categoryCombo: pi.categoryCombo?.id,
    attributeCombo: pi.attributeCombo?.id,
    categoryMappingIds: pi.categoryMappingIds ?? [],
    mappings: mappings.get(pi.program?.id ?? '') ?? [],
  }));
  const withAttributes = asRead.some(
    (pi) => pi.attributeCombo && !combos.get(pi.attributeCombo)?.isDefault,
  );
  const perTarget: Disaggregation[] = [];
  for (const target of targets) {
    const found = await fetchTargetCombos(
      target,
      asRead.map((pi) => pi.aggregateExportDataElement),
      withAttributes,
    );
    const each = asRead.map((pi) => disaggregate(pi, combos, found));
    perTarget.push(
      shadowed(
        { cells: each.flatMap((d) => d.cells), findings: each.flatMap((d) => d.findings) },
        shadowSuffix,
      ),
    );
  }
  const first = perTarget[0]?.cells ?? [];
  return {
    perTarget: perTarget.map((d, index) =>
      index === 0 ? d : { ...d, findings: [...d.findings, ...differences(first, d)] },
    ),
    mappings: first.map((cell) => cell.mapping),
    fromExport: new Map(first.map((cell) => [cell.exportKey, cell.mapping])),
  };
}

/**
 * t2a turns an exported value into one cell for every target (the first target's codes): a target
 * whose codes for the same combos differ would be written in the wrong cells, so it is an error there.
 */
function differences(first: Disaggregation['cells'], other: Disaggregation): Finding[] {
  const mine = new Map(other.cells.map((cell) => [cell.exportKey, cell.mapping]));
  return first.flatMap((cell) => {
    const there = mine.get(cell.exportKey);
    if (
      !there ||
      (there.dataElement === cell.mapping.dataElement &&
        there.categoryOptionCombo === cell.mapping.categoryOptionCombo &&
        there.attributeOptionCombo === cell.mapping.attributeOptionCombo)
    )
      return [];
    return [
      {
        kind: 'combo-not-in-target',
        severity: 'error' as const,
        programIndicator: { id: cell.mapping.programIndicator, name: cell.mapping.name },
        message: `"${cell.mapping.name}" gives a value that is ${cell.mapping.dataElement} / ${cell.mapping.categoryOptionCombo ?? 'default'} in the job's first target and ${there.dataElement} / ${there.categoryOptionCombo ?? 'default'} here: a disaggregated indicator writes the same codes to every target.`,
        fix: 'Give the targets the same data element and combo codes, or put this target in a job of its own.',
      },
    ];
  });
}

/** An exported value as the target's cell, where it is a disaggregated indicator's. */
export function fromExport(
  values: readonly DataValue[],
  cells: ReadonlyMap<string, IndicatorMapping>,
): DataValue[] {
  if (cells.size === 0) return [...values];
  return values.map((value) => {
    const cell = cells.get(
      exportKey(value.dataElement, value.categoryOptionCombo, value.attributeOptionCombo),
    );
    return cell
      ? {
          ...value,
          dataElement: cell.dataElement,
          categoryOptionCombo: cell.categoryOptionCombo,
          attributeOptionCombo: cell.attributeOptionCombo,
        }
      : value;
  });
}
