import type { Finding } from './finding.ts';
import { fitCode, fitWithin, generatedCodePrefix, LIMITS, stableUid } from './generated-names.ts';
import type { DesiredObject, Json } from './generated-plan.ts';
import type { Combination } from './mapping-generate.ts';
import type {
  CategoryMappingSpec,
  FamilySpec,
  IndicatorBase,
  MappingSpec,
  NamedOption,
  TargetElementCombo,
} from './mapping-spec.ts';

/*
 * `t2a mapping generate --native` (DHIS2 2.42+): one indicator per family with a category combo and
 * the programme's category mappings, as `PiDisagInfoInitializer` reads them. The source needs the
 * categories, options, combo and option combos the mappings name: t2a finds them by code, and creates
 * those it lacks as copies of the target's (its UIDs where free on the source, its codes, so a value's
 * combo reads as the target's), never changing a category the source already has.
 */

export interface SourceCategoryModel {
  readonly options: readonly NamedOption[];
  readonly categories: readonly (NamedOption & { readonly options: readonly string[] })[];
  readonly combos: readonly (NamedOption & {
    readonly categories: readonly string[];
    readonly optionCombos: readonly (NamedOption & { readonly options: readonly string[] })[];
  })[];
}

export interface NativeFamily {
  readonly family: FamilySpec;
  readonly base: IndicatorBase;
  readonly target: TargetElementCombo;
  readonly combinations: readonly Combination[];
}

export interface NativeDraft {
  /** Objects the source lacks, per type, in the order an import takes them. */
  readonly create: readonly { readonly type: string; readonly objects: readonly Json[] }[];
  /** Per programme, its category mappings as they should be. */
  readonly programs: readonly DesiredObject[];
  readonly indicators: readonly DesiredObject[];
  readonly findings: readonly Finding[];
}

const ref = (id: string) => ({ id });

/** What the draft adds to the source, kept as it grows so families share what one of them created. */
class SourceDraft {
  readonly created = new Map<string, Json[]>([
    ['categoryOptions', []],
    ['categories', []],
    ['categoryCombos', []],
    ['categoryOptionCombos', []],
  ]);
  private readonly ids = new Set<string>();
  private readonly names = new Map<string, Set<string>>();
  readonly findings: Finding[] = [];

  constructor(
    readonly fileKey: string,
    readonly source: SourceCategoryModel,
  ) {
    for (const object of [...source.options, ...source.categories, ...source.combos])
      this.ids.add(object.id);
    for (const combo of source.combos) for (const coc of combo.optionCombos) this.ids.add(coc.id);
    this.names.set('categoryOptions', new Set(source.options.map((option) => option.name)));
    this.names.set('categories', new Set(source.categories.map((category) => category.name)));
    this.names.set('categoryCombos', new Set(source.combos.map((combo) => combo.name)));
  }

  /** The target's UID where the source has no object by it; else one made from the code. */
  uidFor(type: string, target: NamedOption): string {
    const id = this.ids.has(target.id)
      ? stableUid(this.fileKey, type, target.code ?? target.name)
      : target.id;
    this.ids.add(id);
    return id;
  }

  /** The target's name, marked where the source already has an object of that name (names are unique). */
  nameFor(type: string, name: string): string {
    const taken = this.names.get(type) ?? new Set<string>();
    const free = taken.has(name) ? `${name} (t2a)` : name;
    taken.add(free);
    this.names.set(type, taken);
    return free;
  }

  add(type: string, object: Json): void {
    this.created.get(type)!.push(object);
  }
}

/** The source option of a target option code: the source's own by code, or one created. */
function sourceOption(draft: SourceDraft, target: NamedOption): string {
  const found =
    draft.source.options.find((option) => option.code === target.code) ??
    (draft.created.get('categoryOptions')!.find((option) => option.code === target.code) as
      | NamedOption
      | undefined);
  if (found) return found.id;
  const id = draft.uidFor('categoryOptions', target);
  const name = draft.nameFor('categoryOptions', target.name);
  draft.add('categoryOptions', {
    id,
    code: target.code,
    name,
    shortName: fitWithin(name, '', LIMITS.shortName),
  });
  return id;
}

type TargetCategory = TargetElementCombo['categoryCombo']['categories'][number];

/** The source category of a target category, with the source option of each mapped option code. */
function sourceCategory(
  draft: SourceDraft,
  mapping: CategoryMappingSpec,
  category: TargetCategory,
): { id: string; options: Map<string, string> } {
  const options = new Map<string, string>();
  const targetOption = (code: string) => category.options.find((option) => option.code === code)!;
  const existing = draft.source.categories.find((candidate) => candidate.code === category.code);
  if (existing) {
    const own = draft.source.options.filter((option) => existing.options.includes(option.id));
    for (const { code } of mapping.options) {
      const option = own.find((candidate) => candidate.code === code);
      if (option) options.set(code, option.id);
      else
        draft.findings.push({
          kind: 'generate-source-option-missing',
          severity: 'error',
          message: `The source's category "${existing.name}" (${category.code}) has no option with code "${code}", which mapping "${mapping.key}" maps.`,
          fix: `Add the option "${targetOption(code).name}" (code ${code}) to the category on the source (Maintenance app), or map only the options it has.`,
        });
    }
    return { id: existing.id, options };
  }
  const made = draft.created
    .get('categories')!
    .find((candidate) => candidate.code === category.code);
  for (const { code } of mapping.options)
    options.set(code, sourceOption(draft, targetOption(code)));
  if (made) return { id: String(made.id), options };
  const id = draft.uidFor('categories', category);
  const name = draft.nameFor('categories', category.name);
  draft.add('categories', {
    id,
    code: category.code,
    name,
    shortName: fitWithin(name, '', LIMITS.shortName),
    dataDimensionType: 'DISAGGREGATION',
    dataDimension: true,
    categoryOptions: [...options.values()].map(ref),
  });
  return { id, options };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('|') === [...b].sort().join('|');

/** The source combo of exactly these categories, found or created with an option combo per combination. */
function sourceCombo(
  draft: SourceDraft,
  item: NativeFamily,
  categories: readonly { id: string; options: Map<string, string> }[],
): string {
  const ids = categories.map((category) => category.id);
  const optionsOf = (combination: Combination) =>
    combination.options.map((option, i) => categories[i]!.options.get(option.code) ?? '?');
  const found =
    draft.source.combos.find((combo) => sameSet(combo.categories, ids)) ??
    (draft.created.get('categoryCombos')!.find((combo) =>
      sameSet(
        (combo.categories as { id: string }[]).map((c) => c.id),
        ids,
      ),
    ) as NamedOption | undefined);
  if (found) {
    const cocs = draft.source.combos.find((combo) => combo.id === found.id)?.optionCombos;
    const lacking = cocs
      ? item.combinations.filter((c) => !cocs.some((coc) => sameSet(coc.options, optionsOf(c))))
      : [];
    if (lacking.length > 0)
      draft.findings.push({
        kind: 'generate-source-combo-incomplete',
        severity: 'error',
        message: `The source's category combo "${found.name}" has no option combo for ${lacking.map((c) => c.options.map((o) => o.code).join(' + ')).join(', ')}.`,
        fix: 'Run “Update category option combos” in the source’s Data administration app, then generate again.',
      });
    return found.id;
  }
  const target = item.target.categoryCombo;
  const id = draft.uidFor('categoryCombos', target);
  draft.add('categoryCombos', {
    id,
    ...(target.code && !draft.source.combos.some((combo) => combo.code === target.code)
      ? { code: target.code }
      : {}),
    name: draft.nameFor('categoryCombos', target.name),
    dataDimensionType: 'DISAGGREGATION',
    categories: ids.map(ref),
  });
  for (const combination of item.combinations) {
    const coc = combination.combo!;
    draft.add('categoryOptionCombos', {
      id: draft.uidFor('categoryOptionCombos', coc),
      code: coc.code,
      name: coc.name,
      categoryCombo: ref(id),
      categoryOptions: optionsOf(combination).map(ref),
    });
  }
  return id;
}

/** A programme's category mapping of the file, with the source's category and option UIDs. */
function programMapping(
  fileKey: string,
  program: string,
  mapping: CategoryMappingSpec,
  category: { id: string; options: Map<string, string> },
): Json {
  return {
    id: stableUid(fileKey, 'mapping', program, mapping.key),
    categoryId: category.id,
    mappingName: mapping.name,
    optionMappings: mapping.options.flatMap(({ code, filter }) => {
      const optionId = category.options.get(code);
      return optionId ? [{ optionId, filter }] : [];
    }),
  };
}

function nativeIndicator(
  spec: MappingSpec,
  item: NativeFamily,
  combo: string,
  mappingIds: readonly string[],
): DesiredObject {
  const { family, base } = item;
  return {
    id: stableUid(spec.key, family.key),
    name: family.name,
    fields: {
      name: family.name,
      shortName: fitWithin(family.shortName ?? family.name, '', LIMITS.shortName),
      code: fitCode(`${generatedCodePrefix(spec.key)}${family.key}`),
      description: `Made by t2a mapping generate --native (file ${spec.key}, family ${family.key}). Change the mapping file, not this indicator: the next run puts it back.`,
      program: ref(base.program),
      analyticsType: base.analyticsType,
      aggregationType: base.aggregationType,
      expression: base.expression,
      filter: base.filter,
      decimals: base.decimals,
      analyticsPeriodBoundaries: base.boundaries.map((boundary, index) => ({
        id: stableUid(spec.key, family.key, `boundary ${index}`),
        analyticsPeriodBoundaryType: boundary.type,
        boundaryTarget: boundary.target,
        ...(boundary.offsetPeriods !== undefined && { offsetPeriods: boundary.offsetPeriods }),
        ...(boundary.offsetPeriodType !== undefined && {
          offsetPeriodType: boundary.offsetPeriodType,
        }),
      })),
      categoryCombo: ref(combo),
      categoryMappingIds: [...mappingIds],
      aggregateExportDataElement: family.dataElement,
      aggregateExportCategoryOptionCombo: undefined,
    },
  };
}

/**
 * The native form of every family whose combinations all map: what the source lacks, each programme's
 * mappings (theirs kept, the file's set by UID), and one indicator per family.
 */
export function nativeDraft(
  spec: MappingSpec,
  items: readonly NativeFamily[],
  source: SourceCategoryModel,
  storedMappings: ReadonlyMap<string, readonly Json[]>,
): NativeDraft {
  const draft = new SourceDraft(spec.key, source);
  const mappingsOf = new Map<string, Map<string, Json>>();
  const indicators: DesiredObject[] = [];
  for (const item of items) {
    const mappings = item.family.categories.map((key) => spec.categoryMappings.get(key)!);
    const categories = mappings.map((mapping) =>
      sourceCategory(
        draft,
        mapping,
        item.target.categoryCombo.categories.find((c) => c.code === mapping.category)!,
      ),
    );
    const combo = sourceCombo(draft, item, categories);
    const own = mappingsOf.get(item.base.program) ?? new Map<string, Json>();
    const ids = mappings.map((mapping, i) => {
      const json = programMapping(spec.key, item.base.program, mapping, categories[i]!);
      own.set(String(json.id), json);
      return String(json.id);
    });
    mappingsOf.set(item.base.program, own);
    indicators.push(nativeIndicator(spec, item, combo, ids));
  }
  const programs = [...mappingsOf].map(([program, own]) =>
    programDesired(program, own, storedMappings.get(program) ?? [], draft.findings),
  );
  return {
    create: [...draft.created].map(([type, objects]) => ({ type, objects })),
    programs,
    indicators,
    findings: draft.findings,
  };
}

/** The programme's mappings: its own kept, the file's replacing those of the same UID. */
function programDesired(
  program: string,
  own: ReadonlyMap<string, Json>,
  stored: readonly Json[],
  findings: Finding[],
): DesiredObject {
  const kept = stored.filter((mapping) => !own.has(String(mapping.id)));
  for (const mapping of own.values()) {
    const clash = kept.find(
      (other) =>
        other.categoryId === mapping.categoryId && other.mappingName === mapping.mappingName,
    );
    if (clash)
      findings.push({
        kind: 'generate-mapping-name-taken',
        severity: 'error',
        message: `Programme ${program} already has a category mapping "${String(mapping.mappingName)}" (${String(clash.id)}) for category ${String(mapping.categoryId)}; DHIS2 refuses a second of that name (E4077).`,
        fix: 'Give the file’s mapping another name (name:), or remove the programme’s mapping.',
      });
  }
  return { id: program, name: program, fields: { categoryMappings: [...kept, ...own.values()] } };
}
