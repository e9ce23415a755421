import { describe, expect, it } from 'vitest';
import { loadMappingFile } from '../../src/config/mapping-file.ts';
import { T2aError } from '../../src/core/errors.ts';
import { demoMappingYaml, mappingFile } from '../e2e/mapping-files.ts';

const problems = (text: string): string => {
  try {
    loadMappingFile(mappingFile(text));
  } catch (error) {
    expect(error).toBeInstanceOf(T2aError);
    return (error as T2aError).message;
  }
  throw new Error('the file was taken');
};

describe('the mapping file of t2a mapping generate', () => {
  it('reads the families, their categories and the options’ filters', () => {
    const spec = loadMappingFile(mappingFile(demoMappingYaml()));
    expect(spec.key).toBe('DEMO');
    expect(spec.families.map((family) => family.key)).toEqual(['BCG', 'PENTA3']);
    expect(spec.families[0]!.group).toEqual({ name: 'Generated immunisation (demo)' });
    expect(spec.categoryMappings.get('age')!.category).toBe('AGE_DEMO');
    expect(spec.categoryMappings.get('sex')!.options.map((option) => option.code)).toEqual([
      'F',
      'M',
    ]);
    // A base written in the file without boundaries gets the event date within the period.
    const base = spec.families[0]!.base as unknown as { boundaries: { type: string }[] };
    expect(base.boundaries.map((boundary) => boundary.type)).toEqual([
      'AFTER_START_OF_REPORTING_PERIOD',
      'BEFORE_END_OF_REPORTING_PERIOD',
    ]);
  });

  it('names a misspelt key with its line and the key meant', () => {
    const message = problems(
      demoMappingYaml().replace('    dataElement: IMM_BCG', '    dataElemnt: IMM_BCG'),
    );
    expect(message).toMatch(
      /mapping\.yaml:\d+ indicators\.BCG\.dataElemnt: unknown key \(did you mean "dataElement"\?\)/,
    );
  });

  it('names a category a family lists that the file does not map', () => {
    const message = problems(
      demoMappingYaml().replace('categories: [age, sex]', 'categories: [age, gender]'),
    );
    expect(message).toContain('no category mapping "gender" in categoryMappings');
  });
});
