import { z } from 'zod';
import { PERIOD_TYPES } from '../core/periods.ts';
import { uid } from './dashboard-schema.ts';

/*
 * The mapping file of `t2a mapping generate`, kept in git beside the configuration. Its shape follows
 * DHIS2 2.42's program indicator disaggregation: category mappings (per category, a filter per option,
 * as `Program.categoryMappings`), and indicator families that name the categories they are split by.
 */

const key = z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only');

/** `AnalyticsPeriodBoundaryType` (2.36–2.43). */
const BOUNDARY_TYPES = [
  'BEFORE_START_OF_REPORTING_PERIOD',
  'BEFORE_END_OF_REPORTING_PERIOD',
  'AFTER_START_OF_REPORTING_PERIOD',
  'AFTER_END_OF_REPORTING_PERIOD',
] as const;

/** `AggregationType` values a program indicator takes. */
const AGGREGATION_TYPES = [
  'SUM',
  'AVERAGE',
  'AVERAGE_SUM_ORG_UNIT',
  'LAST',
  'LAST_AVERAGE_ORG_UNIT',
  'LAST_IN_PERIOD',
  'LAST_IN_PERIOD_AVERAGE_ORG_UNIT',
  'FIRST',
  'FIRST_AVERAGE_ORG_UNIT',
  'COUNT',
  'STDDEV',
  'VARIANCE',
  'MIN',
  'MAX',
  'NONE',
  'CUSTOM',
  'DEFAULT',
] as const;

const boundary = z
  .object({
    type: z.enum(BOUNDARY_TYPES),
    target: z
      .string()
      .min(1)
      .describe('EVENT_DATE, ENROLLMENT_DATE, INCIDENT_DATE, PS_EVENTDATE:<stage> or #{stage.de}'),
    offsetPeriods: z.number().int().optional(),
    offsetPeriodType: z.enum(PERIOD_TYPES as [string, ...string[]]).optional(),
  })
  .strict();

const inlineBase = z
  .object({
    program: uid.describe('The tracker programme'),
    expression: z.string().min(1),
    filter: z.string().min(1).optional().describe('ANDed with each combination’s option filters'),
    analyticsType: z.enum(['EVENT', 'ENROLLMENT']).default('EVENT'),
    aggregationType: z.enum(AGGREGATION_TYPES),
    decimals: z.number().int().min(0).max(5).optional(),
    boundaries: z
      .array(boundary)
      .optional()
      .describe('Default: the event (or enrollment) date within the reporting period'),
  })
  .strict();

const base = z.union(
  [
    z
      .object({
        programIndicator: uid.describe('An indicator whose expression, filter… are copied'),
      })
      .strict(),
    inlineBase,
  ],
  {
    error:
      'expected { programIndicator: <uid> } or { program, expression, aggregationType, filter?, analyticsType?, decimals?, boundaries? }',
  },
);

const group = z.union(
  [z.string().min(1), z.object({ name: z.string().min(1), id: uid.optional() }).strict()],
  { error: 'expected a group name, or { name, id? }' },
);

const categoryMapping = z
  .object({
    category: z
      .string()
      .min(1)
      .optional()
      .describe('The target category’s code (default: the key)'),
    name: z
      .string()
      .min(1)
      .optional()
      .describe('The mapping’s name in the programme (native form)'),
    options: z
      .record(z.string().min(1), z.string().min(1))
      .refine((options) => Object.keys(options).length > 0, 'give at least one option')
      .describe('Option code → the filter that selects it'),
  })
  .strict();

const family = z
  .object({
    name: z.string().min(1).max(200).describe('The start of each generated indicator’s name'),
    shortName: z.string().min(1).max(40).optional(),
    dataElement: z.string().min(1).describe('The target data element’s code'),
    group: group.optional(),
    base,
    categories: z.array(key).min(1).describe('Keys of categoryMappings'),
  })
  .strict();

export const mappingFileSchema = z
  .object({
    key: z
      .string()
      .regex(/^[A-Za-z0-9]{1,12}$/, '1 to 12 letters or digits')
      .describe('Marks what this file made: codes start with T2A_<KEY>_'),
    group: group.optional().describe('The group of families that name none'),
    categoryMappings: z.record(key, categoryMapping),
    indicators: z
      .record(key, family)
      .refine((families) => Object.keys(families).length > 0, 'give at least one family'),
  })
  .strict();

export type MappingFile = z.infer<typeof mappingFileSchema>;

/** The keys each level of the file allows, for "did you mean" on a misspelt one. */
export const ALLOWED_KEYS: readonly [RegExp, readonly string[]][] = [
  [/^$/, Object.keys(mappingFileSchema.shape)],
  [/^categoryMappings\.[^.]+$/, Object.keys(categoryMapping.shape)],
  [/^indicators\.[^.]+$/, Object.keys(family.shape)],
  [/^indicators\.[^.]+\.base$/, [...Object.keys(inlineBase.shape), 'programIndicator']],
  [/^indicators\.[^.]+\.base\.boundaries\.\d+$/, Object.keys(boundary.shape)],
  [/(^|\.)group$/, ['name', 'id']],
];
