import { readFileSync } from 'node:fs';
import { T2aError } from '../core/errors.ts';
import {
  indicatorsFromExport,
  sourceFromExport,
  targetFromExport,
} from '../core/mapping-metadata.ts';
import { type Finding, validateMapping } from '../core/validation.ts';

export interface OfflineValidationOptions {
  readonly sourceFiles: readonly string[];
  readonly targetFiles: readonly string[];
  readonly mappingAttribute: string;
  readonly periodType?: string | undefined;
}

export interface ValidationReport {
  readonly indicators: number;
  readonly mapped: number;
  readonly findings: readonly Finding[];
  readonly errors: number;
  readonly warnings: number;
}

function readPackage(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new T2aError(
      'usage',
      `Cannot read the metadata file ${file}: ${(error as Error).message}.`,
      { fix: 'Check the path.' },
    );
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new T2aError(
      'usage',
      `${file} is not a DHIS2 metadata export: ${(error as Error).message}.`,
      {
        fix: 'Give the JSON that DHIS2 exports at /api/metadata or that a metadata package ships.',
      },
    );
  }
}

/** `t2a validate --source-metadata a.json --target-metadata b.json`: the mapping checks, with no server. */
export function validateOffline(options: OfflineValidationOptions): ValidationReport {
  const sources = options.sourceFiles.map(readPackage);
  const indicators = indicatorsFromExport(sources);
  const target = targetFromExport(options.targetFiles.map(readPackage));
  const findings = validateMapping(indicators, target, {
    mappingAttribute: options.mappingAttribute,
    periodType: options.periodType,
    requireMapping: false,
    source: sourceFromExport(sources),
  });
  const mapped = indicators.filter((indicator) =>
    indicator.attributeValues?.some(
      (entry) => entry.attribute.id === options.mappingAttribute && entry.value.trim() !== '',
    ),
  ).length;
  return {
    indicators: indicators.length,
    mapped,
    findings,
    errors: findings.filter((finding) => finding.severity === 'error').length,
    warnings: findings.filter((finding) => finding.severity === 'warning').length,
  };
}
