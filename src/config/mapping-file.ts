import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { T2aError } from '../core/errors.ts';
import type {
  CategoryMappingSpec,
  FamilySpec,
  GroupSpec,
  MappingSpec,
  PeriodBoundary,
} from '../core/mapping-spec.ts';
import { closest, didYouMean } from '../core/similar.ts';
import { ALLOWED_KEYS, type MappingFile, mappingFileSchema } from './mapping-file-schema.ts';

/**
 * Reads a mapping file of `t2a mapping generate`: YAML, checked against its schema and for references
 * within it (a family's categories must be mappings of the file). Every problem is reported at once,
 * each with its file and line, like the configuration's (config/load.ts).
 */
export function loadMappingFile(file: string): MappingSpec {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new T2aError(
      'usage',
      `Cannot read the mapping file ${path}: ${(error as Error).message}.`,
      {
        fix: 'Name the mapping file with --file (see examples/mapping.yaml).',
      },
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (doc.errors.length > 0)
    throw new T2aError('config', `${path} is not valid YAML: ${doc.errors[0]!.message}`, {
      fix: 'Correct the YAML syntax at that line (indentation, a missing colon or quote).',
    });
  const parsed = mappingFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => describeIssue(path, doc, lines, issue));
    throw problemsError(path, problems, parsed.error.issues);
  }
  const problems = crossReferences(parsed.data).map(
    ({ at, message }) => `${path}${lineSuffix(doc, lines, at)} ${at.join('.')}: ${message}`,
  );
  if (problems.length > 0) throw problemsError(path, problems);
  return toSpec(path, parsed.data);
}

function problemsError(path: string, problems: readonly string[], details?: unknown): T2aError {
  return new T2aError(
    'config',
    `The mapping file ${path} has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`,
    {
      fix: 'Correct the lines named above; README.md “Building the mapping” shows the format, examples/mapping.yaml an example.',
      details,
    },
  );
}

function lineSuffix(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range) return `:${lines.linePos(node.range[0]).line}`;
  }
  return '';
}

function describeIssue(
  path: string,
  doc: Document,
  lines: LineCounter,
  issue: z.core.$ZodIssue,
): string[] {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.map(String).join('.');
    const allowed = ALLOWED_KEYS.find(([pattern]) => pattern.test(where))?.[1] ?? [];
    return issue.keys.map((key) => {
      const meant = closest(key, allowed)[0];
      return `${path}${lineSuffix(doc, lines, [...issue.path, key])} ${[...issue.path, key].join('.')}: unknown key${meant ? ` (did you mean "${meant}"?)` : ''}`;
    });
  }
  const where = issue.path.map(String).join('.') || '(top)';
  return [`${path}${lineSuffix(doc, lines, issue.path)} ${where}: ${issue.message}`];
}

/** References within the file: categories a family names, and a group for every family. */
function crossReferences(file: MappingFile): { at: (string | number)[]; message: string }[] {
  const problems: { at: (string | number)[]; message: string }[] = [];
  const mappings = Object.keys(file.categoryMappings);
  for (const [familyKey, family] of Object.entries(file.indicators)) {
    const seen = new Map<string, string>();
    family.categories.forEach((name, index) => {
      const mapping = file.categoryMappings[name];
      if (!mapping) {
        problems.push({
          at: ['indicators', familyKey, 'categories', index],
          message: `no category mapping "${name}" in categoryMappings. ${didYouMean(name, mappings)}`,
        });
        return;
      }
      const category = mapping.category ?? name;
      const twice = seen.get(category);
      if (twice)
        problems.push({
          at: ['indicators', familyKey, 'categories', index],
          message: `"${name}" and "${twice}" both map the category ${category}: a family maps a category once.`,
        });
      seen.set(category, name);
    });
    if (!family.group && !file.group)
      problems.push({
        at: ['indicators', familyKey],
        message: 'no group: give the family a group, or the file one (group: at the top).',
      });
  }
  return problems;
}

const groupSpec = (group: string | { name: string; id?: string | undefined }): GroupSpec =>
  typeof group === 'string' ? { name: group } : { name: group.name, id: group.id };

/** The event (or enrollment) date within the reporting period: what the Maintenance app sets by default. */
function defaultBoundaries(analyticsType: string): PeriodBoundary[] {
  const target = analyticsType === 'ENROLLMENT' ? 'ENROLLMENT_DATE' : 'EVENT_DATE';
  return [
    { type: 'AFTER_START_OF_REPORTING_PERIOD', target },
    { type: 'BEFORE_END_OF_REPORTING_PERIOD', target },
  ];
}

function familySpec(key: string, file: MappingFile): FamilySpec {
  const family = file.indicators[key]!;
  const base = family.base;
  return {
    key,
    name: family.name,
    shortName: family.shortName,
    dataElement: family.dataElement,
    group: groupSpec((family.group ?? file.group)!),
    base:
      'programIndicator' in base
        ? { programIndicator: base.programIndicator }
        : {
            program: base.program,
            expression: base.expression,
            filter: base.filter,
            analyticsType: base.analyticsType,
            aggregationType: base.aggregationType,
            decimals: base.decimals,
            boundaries: base.boundaries ?? defaultBoundaries(base.analyticsType),
          },
    categories: family.categories,
  };
}

function toSpec(path: string, file: MappingFile): MappingSpec {
  const categoryMappings = new Map<string, CategoryMappingSpec>(
    Object.entries(file.categoryMappings).map(([key, mapping]) => [
      key,
      {
        key,
        category: mapping.category ?? key,
        name: mapping.name ?? key,
        options: Object.entries(mapping.options).map(([code, filter]) => ({ code, filter })),
      },
    ]),
  );
  return {
    path,
    key: file.key,
    categoryMappings,
    families: Object.keys(file.indicators).map((key) => familySpec(key, file)),
  };
}
