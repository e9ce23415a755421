import { calendarById } from './calendar.ts';
import { dayNumber } from './days.ts';
import { type Period, parsePeriodId } from './period.ts';
import { periodTypeByName } from './period-type.ts';

/**
 * A period's name as DHIS2's apps show it (the `displayName` of @dhis2/multi-calendar-dates, which the
 * period selectors of Data Entry, Data Visualizer and the others use): "September 2026", "January - March
 * 2026", "April 2026 - March 2027", "Week 38 - 2026-09-14 - 2026-09-20". Months take the names of the
 * period's calendar, and its era where the library writes one (Thai BE, Persian AP, Islamic AH).
 */
const GREGORIAN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

interface CalendarWords {
  readonly months: readonly string[];
  readonly era: string;
  /** Days written as dates (Nepali): the library has no day names there. */
  readonly daysAsDates?: boolean;
}

const WORDS: Readonly<Record<string, CalendarWords>> = {
  iso8601: { months: GREGORIAN, era: '' },
  gregorian: { months: GREGORIAN, era: '' },
  thai: { months: GREGORIAN, era: ' BE' },
  nepali: {
    months: [
      'Baisakh',
      'Jestha',
      'Ashadh',
      'Shrawan',
      'Bhadra',
      'Ashwin',
      'Kartik',
      'Mangsir',
      'Paush',
      'Mangh',
      'Falgun',
      'Chaitra',
    ],
    era: '',
    daysAsDates: true,
  },
  persian: {
    months: [
      'Farvardin',
      'Ordibehesht',
      'Khordad',
      'Tir',
      'Mordad',
      'Shahrivar',
      'Mehr',
      'Aban',
      'Azar',
      'Dey',
      'Bahman',
      'Esfand',
    ],
    era: ' AP',
  },
  islamic: {
    months: [
      'Muharram',
      'Safar',
      'Rabiʻ I',
      'Rabiʻ II',
      'Jumada I',
      'Jumada II',
      'Rajab',
      'Shaʻban',
      'Ramadan',
      'Shawwal',
      'Dhuʻl-Qiʻdah',
      'Dhuʻl-Hijjah',
    ],
    era: ' AH',
  },
};

const pad = (n: number) => String(n).padStart(2, '0');

/** The display name of a period t2a computed (parsePeriodId, periodOfDate). */
export function periodDisplayName(period: Period): string {
  const rule = periodTypeByName(period.periodType)?.rule;
  const calendar = calendarById(period.calendar);
  const words = WORDS[period.calendar] ?? WORDS.iso8601!;
  const start = calendar.fromDay(dayNumber(period.startDate));
  const end = calendar.fromDay(dayNumber(period.endDate));
  const month = (m: number) => words.months[m - 1] ?? pad(m);
  if (!rule) return period.id;
  switch (rule.kind) {
    case 'day':
      return words.daysAsDates
        ? `${start.year}-${pad(start.month)}-${pad(start.day)}`
        : `${month(start.month)} ${start.day}, ${start.year}${words.era}`;
    case 'week':
    case 'biweek': {
      const number = /W(\d+)$/.exec(period.id)?.[1];
      const label = rule.kind === 'week' ? 'Week' : 'Bi-Week';
      return `${label} ${number} - ${period.startDate} - ${period.endDate}`;
    }
    case 'months': {
      if (rule.months === 1) return `${month(start.month)} ${start.year}${words.era}`;
      // A calendar year is its number alone, without the era the library writes elsewhere.
      if (rule.months === 12 && start.month === 1) return `${start.year}`;
      if (start.year === end.year)
        return `${month(start.month)} - ${month(end.month)} ${end.year}${words.era}`;
      return `${month(start.month)} ${start.year}${words.era} - ${month(end.month)} ${end.year}${words.era}`;
    }
  }
}

/** The display name of the period an ISO id names in `calendar`, or undefined when it names none. */
export function periodNameOf(id: string, calendar = 'iso8601'): string | undefined {
  const period = parsePeriodId(id, calendar);
  return period && periodDisplayName(period);
}
