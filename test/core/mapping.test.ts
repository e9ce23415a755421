import { describe, expect, it } from 'vitest';
import { duplicateMappings, resolveMappings, withShadowCodes } from '../../src/core/mapping.ts';

const ATTR = 'vudyDP7jUy5';
const pi = (id: string, code?: string, coc?: string) => ({
  id,
  name: id,
  aggregateExportCategoryOptionCombo: coc,
  attributeValues: code === undefined ? [] : [{ attribute: { id: ATTR }, value: code }],
});

describe('program indicator mappings', () => {
  it('reads the data element code from the attribute and the combo from aggregateExportCategoryOptionCombo', () => {
    const { mapped, unmapped } = resolveMappings(
      [pi('a', 'BCG', 'LT1Y_F'), pi('b', '  '), pi('c')],
      ATTR,
    );
    expect(mapped).toEqual([
      {
        programIndicator: 'a',
        name: 'a',
        dataElement: 'BCG',
        categoryOptionCombo: 'LT1Y_F',
        attributeOptionCombo: undefined,
      },
    ]);
    expect(unmapped.map((u) => u.programIndicator)).toEqual(['b', 'c']);
  });

  it('groups indicators that write one data element and combo', () => {
    const { mapped } = resolveMappings(
      [pi('a', 'BCG', 'F'), pi('b', 'BCG', 'F'), pi('c', 'BCG', 'M')],
      ATTR,
    );
    expect(duplicateMappings(mapped).map((group) => group.map((m) => m.programIndicator))).toEqual([
      ['a', 'b'],
    ]);
  });

  it('delivers into shadow data elements by a code suffix, for parallel reporting', () => {
    const shadow = withShadowCodes([pi('a', 'IMM_BCG_DOSES', 'F'), pi('b')], ATTR, '_TRACKER');
    expect(resolveMappings(shadow, ATTR).mapped[0]).toMatchObject({
      dataElement: 'IMM_BCG_DOSES_TRACKER',
      categoryOptionCombo: 'F',
    });
    expect(withShadowCodes([pi('a', 'X')], ATTR, undefined)[0]!.attributeValues[0]!.value).toBe(
      'X',
    );
  });
});
