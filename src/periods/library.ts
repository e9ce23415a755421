import { createRequire } from 'node:module';

/**
 * DHIS2's own calendar library. It loads only through require (its ESM build uses directory imports).
 * Only this folder calls it, and only where the tests in test/periods prove its answers.
 */
export const calendarLibrary = createRequire(import.meta.url)(
  '@dhis2/multi-calendar-dates',
) as typeof import('@dhis2/multi-calendar-dates');

export type LibraryPeriod = ReturnType<typeof calendarLibrary.getFixedPeriodByDate>;
export type LibraryCalendar = Parameters<
  typeof calendarLibrary.getFixedPeriodByDate
>[0]['calendar'];
