import { describe, expect, it } from 'vitest';
import { checkCalendar, checkPeriodType, PERIOD_TYPES } from '../../src/core/periods.ts';
import { didYouMean } from '../../src/core/similar.ts';

const NOTIFY = ['failure', 'incomplete', 'always', 'digest'];

describe('did you mean, for a value outside a list of names', () => {
  it.each([
    ['Montly', PERIOD_TYPES, 'Did you mean "Monthly"?'],
    ['Quaterly', PERIOD_TYPES, 'Did you mean "Quarterly"?'],
    ['monthly', PERIOD_TYPES, 'Did you mean "Monthly"?'],
    ['FinancialJul', PERIOD_TYPES, 'Did you mean "FinancialJuly"?'],
    ['failur', NOTIFY, 'Did you mean "failure"?'],
    ['nepalli', ['iso8601', 'nepali', 'thai'], 'Did you mean "nepali"?'],
  ])('%s: names the likely value, not the whole list', (value, allowed, said) => {
    expect(didYouMean(value, allowed)).toBe(said);
  });

  it('lists every value only when none is close', () => {
    expect(didYouMean('Fortnightly', NOTIFY)).toBe(
      'Use one of: failure, incomplete, always, digest.',
    );
  });

  it('is what a misspelt --period-type and --calendar are told', () => {
    expect(() => checkPeriodType('Montly')).toThrow(
      expect.objectContaining({
        message: '"Montly" is not a DHIS2 period type.',
        fix: 'Did you mean "Monthly"?',
      }),
    );
    expect(() => checkCalendar('nepalli')).toThrow(
      expect.objectContaining({ fix: 'Did you mean "nepali"?' }),
    );
  });
});
