import { describe, expect, it } from 'vitest';
import { planGroups } from '../../src/core/generated-groups.ts';
import {
  fitCode,
  fitWithin,
  generatedCodePrefix,
  LIMITS,
  stableUid,
} from '../../src/core/generated-names.ts';
import {
  desiredIndicator,
  importForm,
  planObjects,
  takenNames,
} from '../../src/core/generated-plan.ts';
import { combinedFilter, generateIndicators } from '../../src/core/mapping-generate.ts';
import type {
  FamilySpec,
  IndicatorBase,
  MappingSpec,
  TargetElementCombo,
} from '../../src/core/mapping-spec.ts';

const UID = /^[A-Za-z][A-Za-z0-9]{10}$/;
const ATTRIBUTE = 'vudyDP7jUy5';

const base: IndicatorBase = {
  program: 'DemoEirPrg1',
  expression: 'V{event_count}',
  filter: "#{Stage000001.Vaccine0001} == 'BCG' || #{Stage000001.Vaccine0001} == 'BCG2'",
  analyticsType: 'EVENT',
  aggregationType: 'COUNT',
  decimals: 0,
  boundaries: [
    { type: 'AFTER_START_OF_REPORTING_PERIOD', target: 'EVENT_DATE' },
    { type: 'BEFORE_END_OF_REPORTING_PERIOD', target: 'EVENT_DATE' },
  ],
};

const ages = ['LT1Y', '1_4Y', '5_14Y'];
const sexes = ['F', 'M'];

function spec(family: Partial<FamilySpec> = {}, categories = ['age', 'sex']): MappingSpec {
  return {
    path: 'mapping.yaml',
    key: 'IMM',
    categoryMappings: new Map([
      [
        'age',
        {
          key: 'age',
          category: 'AGE',
          name: 'Age',
          options: ages.map((code) => ({ code, filter: `age == '${code}'` })),
        },
      ],
      [
        'sex',
        {
          key: 'sex',
          category: 'SEX',
          name: 'Sex',
          options: sexes.map((code) => ({ code, filter: `sex == '${code}'` })),
        },
      ],
    ]),
    families: [
      {
        key: 'BCG',
        name: 'BCG doses given',
        dataElement: 'IMM_BCG',
        group: { name: 'Generated' },
        base: base,
        categories,
        ...family,
      },
    ],
  };
}

/** The target's data element split by age and sex, an option combo (coded) per pair. */
function target(optionName = (code: string) => `Option ${code}`): TargetElementCombo {
  const option = (code: string) => ({
    id: `Opt${code}`.padEnd(11, '0'),
    code,
    name: optionName(code),
  });
  return {
    id: 'DeBcg000001',
    code: 'IMM_BCG',
    name: 'BCG',
    categoryCombo: {
      id: 'CcAgeSex001',
      name: 'Age and sex',
      categories: [
        { id: 'CatAge00001', code: 'AGE', name: 'Age', options: ages.map(option) },
        { id: 'CatSex00001', code: 'SEX', name: 'Sex', options: sexes.map(option) },
      ],
      optionCombos: ages.flatMap((age) =>
        sexes.map((sex) => ({
          id: `Coc${age}${sex}`.padEnd(11, '0'),
          code: `${age}_${sex}`,
          name: `${age}, ${sex}`,
          options: [option(age).id, option(sex).id],
        })),
      ),
    },
  };
}

const generate = (mapping: MappingSpec, element = target()) =>
  generateIndicators(
    mapping,
    new Map(mapping.families.map((family) => [family.key, base])),
    new Map([['IMM_BCG', element]]),
  );

describe('the names of generated indicators', () => {
  it('keeps a text that fits as it is', () => {
    expect(fitWithin('BCG doses given', 'LT1Y F', 50)).toBe('BCG doses given LT1Y F');
  });

  it('cuts the head, never the tail that tells the combos apart', () => {
    const name = fitWithin('A very long family name that does not fit', 'LT1Y F', 30);
    expect(name).toBe('A very long family nam… LT1Y F');
    expect(name.length).toBeLessThanOrEqual(30);
  });

  it('cuts the whole and adds a hash where even the tail does not fit, two tails staying apart', () => {
    const a = fitWithin('Head', `${'x'.repeat(60)}a`, 50);
    const b = fitWithin('Head', `${'x'.repeat(60)}b`, 50);
    expect(a.length).toBeLessThanOrEqual(50);
    expect(b.length).toBeLessThanOrEqual(50);
    expect(a).not.toBe(b);
  });

  it('keeps every name within 230 and every short name and code within 50, all distinct', () => {
    const long = 'Number of children vaccinated with the first dose of the vaccine '.repeat(3);
    const result = generate(
      spec({ key: 'A_FAMILY_KEY_THAT_IS_LONG_ENOUGH', name: long.slice(0, 200) }),
      target((code) => `An option with a long descriptive name for ${code}`),
    );
    expect(result.indicators).toHaveLength(6);
    for (const pi of result.indicators) {
      expect(pi.name.length).toBeLessThanOrEqual(LIMITS.name);
      expect(pi.shortName.length).toBeLessThanOrEqual(LIMITS.shortName);
      expect(pi.code.length).toBeLessThanOrEqual(LIMITS.code);
      expect(pi.code.startsWith(generatedCodePrefix('IMM'))).toBe(true);
    }
    for (const field of ['name', 'shortName', 'code', 'id'] as const)
      expect(new Set(result.indicators.map((pi) => pi[field])).size).toBe(6);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('cuts a code over 50 characters with a hash of the whole', () => {
    const code = `T2A_IMM_${'X'.repeat(60)}`;
    expect(fitCode(code)).toHaveLength(50);
    expect(fitCode(code)).not.toBe(fitCode(`${code}Y`));
    expect(fitCode('T2A_IMM_BCG_LT1Y_F')).toBe('T2A_IMM_BCG_LT1Y_F');
  });

  it('reports two families whose short names would be the same', () => {
    const mapping = spec();
    const twin = { ...mapping.families[0]!, key: 'BCG2', dataElement: 'IMM_BCG' };
    const result = generateIndicators(
      { ...mapping, families: [...mapping.families, twin] },
      new Map([
        ['BCG', base],
        ['BCG2', base],
      ]),
      new Map([['IMM_BCG', target()]]),
    );
    const duplicates = result.findings.filter((f) => f.kind === 'generate-duplicate');
    expect(duplicates.some((f) => f.message.includes('would have the shortName'))).toBe(true);
    expect(duplicates.some((f) => f.message.includes('would have the name'))).toBe(true);
    expect(duplicates.every((f) => f.severity === 'error')).toBe(true);
  });
});

describe('stable UIDs', () => {
  it('are valid DHIS2 UIDs, the same for the same parts, different otherwise', () => {
    expect(stableUid('IMM', 'BCG', 'AGE=LT1Y')).toMatch(UID);
    expect(stableUid('IMM', 'BCG', 'AGE=LT1Y')).toBe(stableUid('IMM', 'BCG', 'AGE=LT1Y'));
    expect(stableUid('IMM', 'BCG', 'AGE=LT1Y')).not.toBe(stableUid('IMM', 'BCG', 'AGE=1_4Y'));
    // The parts are kept apart: "ab"+"c" is not "a"+"bc".
    expect(stableUid('ab', 'c')).not.toBe(stableUid('a', 'bc'));
  });

  it('do not change when the file lists a family’s categories in another order', () => {
    const ids = (categories: string[]) =>
      generate(spec({}, categories))
        .indicators.map((pi) => pi.id)
        .sort();
    expect(ids(['sex', 'age'])).toEqual(ids(['age', 'sex']));
  });
});

describe('the filter of a generated indicator', () => {
  it('is the base filter and each option’s filter, each in parentheses', () => {
    expect(combinedFilter('a == 1 || b == 2', ['x < 1', "s == 'F'"])).toBe(
      "(a == 1 || b == 2) && (x < 1) && (s == 'F')",
    );
  });

  it('leaves out a missing or blank base filter', () => {
    expect(combinedFilter(undefined, ['x < 1'])).toBe('(x < 1)');
    expect(combinedFilter('  ', ['x < 1', 'y'])).toBe('(x < 1) && (y)');
  });

  it('is set on every indicator with the combo’s code and the data element in the attribute', () => {
    const pi = generate(spec()).indicators.find(
      (candidate) => candidate.code === 'T2A_IMM_BCG_LT1Y_F',
    )!;
    expect(pi.filter).toBe(`(${base.filter}) && (age == 'LT1Y') && (sex == 'F')`);
    expect(pi.categoryOptionCombo).toBe('LT1Y_F');
    expect(pi.name).toBe('BCG doses given, Option LT1Y, Option F');
    const desired = desiredIndicator(pi, ATTRIBUTE);
    expect(desired.fields.attributeValues).toEqual([
      { attribute: { id: ATTRIBUTE }, value: 'IMM_BCG' },
    ]);
    expect(desired.fields.analyticsPeriodBoundaries).toHaveLength(2);
  });
});

describe('what keeps a family from mapping onto the target', () => {
  it('an option code the target’s category lacks, and the target options left without a filter', () => {
    const mapping = spec();
    const sex = mapping.categoryMappings.get('sex')!;
    const changed = new Map(mapping.categoryMappings).set('sex', {
      ...sex,
      options: [{ code: 'FEMALE', filter: 'x' }, sex.options[1]!],
    });
    const kinds = generate({ ...mapping, categoryMappings: changed }).findings.map(
      (f) => `${f.severity} ${f.kind}`,
    );
    expect(kinds).toContain('error generate-unknown-option');
    expect(kinds).toContain('warning generate-option-not-mapped');
  });

  it('a category of the target the family does not map', () => {
    const kinds = generate(spec({}, ['age'])).findings.map((f) => f.kind);
    expect(kinds).toEqual(['generate-unmapped-category']);
  });

  it('a combination the target has no option combo for, or one without a code', () => {
    const element = target();
    const combos = element.categoryCombo.optionCombos;
    const damaged: TargetElementCombo = {
      ...element,
      categoryCombo: {
        ...element.categoryCombo,
        optionCombos: [...combos.slice(0, 4), { ...combos[4]!, code: undefined }],
      },
    };
    const findings = generate(spec(), damaged).findings;
    expect(findings.map((f) => f.kind).sort()).toEqual([
      'generate-combo-without-code',
      'generate-no-combo',
    ]);
    expect(findings.find((f) => f.kind === 'generate-no-combo')!.message).toContain('5_14Y + M');
  });
});

describe('the plan against what the source holds', () => {
  const indicators = generate(spec()).indicators.map((pi) => desiredIndicator(pi, ATTRIBUTE));
  const stored = (object: (typeof indicators)[number], change: Record<string, unknown> = {}) => ({
    ...importForm(object, undefined, ATTRIBUTE),
    // As DHIS2 answers: boundaries in another order, other attributes and sharing beside.
    analyticsPeriodBoundaries: [
      ...(object.fields.analyticsPeriodBoundaries as unknown[]),
    ].reverse(),
    attributeValues: [
      { attribute: { id: 'OtherAttr01' }, value: 'x' },
      { attribute: { id: ATTRIBUTE }, value: 'IMM_BCG' },
    ],
    sharing: { public: 'rw------' },
    ...change,
  });

  it('creates what is missing, changes what differs field by field, leaves the rest', () => {
    const [first, second, ...rest] = indicators;
    const held = new Map<string, Record<string, unknown>>([
      [second!.id, stored(second!, { filter: 'old', name: 'Old name' })],
      ...rest.map((object) => [object.id, stored(object)] as [string, Record<string, unknown>]),
    ]);
    const plan = planObjects(indicators, held, ATTRIBUTE);
    expect(plan.create.map((object) => object.id)).toEqual([first!.id]);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0]!.changes.map((change) => change.field).sort()).toEqual([
      'filter',
      'name',
    ]);
    expect(plan.unchanged).toHaveLength(4);
  });

  it('sends a changed object whole, keeping its other attributes and sharing', () => {
    const object = indicators[0]!;
    const sent = importForm(object, stored(object, { name: 'Old' }), ATTRIBUTE);
    expect(sent.name).toBe(object.fields.name);
    expect(sent.sharing).toEqual({ public: 'rw------' });
    expect(sent.attributeValues).toEqual([
      { attribute: { id: 'OtherAttr01' }, value: 'x' },
      { attribute: { id: ATTRIBUTE }, value: 'IMM_BCG' },
    ]);
  });

  it('refuses a name another indicator of the source holds', () => {
    const clash = takenNames(indicators, [
      { id: 'Someone0001', name: String(indicators[0]!.fields.name), shortName: 'other' },
    ]);
    expect(clash.map((f) => f.kind)).toEqual(['generate-name-taken']);
    expect(clash[0]!.message).toContain('Someone0001');
  });
});

describe('the groups', () => {
  const stored = (members: string[]) => [
    {
      id: 'GroupGen001',
      name: 'Generated',
      members,
      whole: { id: 'GroupGen001', name: 'Generated' },
    },
  ];

  it('creates the group the file names when the source has none', () => {
    const plans = planGroups(
      'IMM',
      [{ id: 'Pi000000001', group: { name: 'Generated' } }],
      [],
      new Set(),
    );
    expect(plans).toMatchObject([{ name: 'Generated', create: true, members: ['Pi000000001'] }]);
    expect(plans[0]!.id).toMatch(UID);
  });

  it('changes nothing when every indicator is in it, keeping members t2a did not make', () => {
    const generated = [{ id: 'Pi000000001', group: { name: 'Generated' } }];
    expect(planGroups('IMM', generated, stored(['Manual00001', 'Pi000000001']), new Set())).toEqual(
      [],
    );
  });

  it('takes out orphans being removed, and only those', () => {
    const generated = [{ id: 'Pi000000001', group: { name: 'Generated' } }];
    const plans = planGroups(
      'IMM',
      generated,
      stored(['Manual00001', 'Pi000000001', 'Orphan00001']),
      new Set(['Orphan00001']),
    );
    expect(plans).toMatchObject([
      { removed: ['Orphan00001'], members: ['Manual00001', 'Pi000000001'], create: false },
    ]);
  });
});
