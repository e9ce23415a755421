/** A date in a calendar: year, month (1-based) and day of month, in that calendar's numbers. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * A calendar as DHIS2 period arithmetic needs it (`org.hisp.dhis.calendar.Calendar`): which day a
 * calendar date is, and how long its months are. Days are ISO day numbers (days.ts).
 */
export interface CalendarSystem {
  /** DHIS2's name for it (the system setting `keyCalendar`, `/api/system/info` `calendar`). */
  readonly id: string;
  readonly monthsInYear: number;
  /**
   * Whether weeks follow ISO 8601 here. Only the ISO calendars do in DHIS2: each other calendar numbers its
   * weeks by a rule of its own (`Calendar.week`), which t2a does not reproduce, so it refuses weekly types.
   */
  readonly isoWeeks: boolean;
  fromDay(day: number): CalendarDate;
  toDay(date: CalendarDate): number;
  daysInMonth(year: number, month: number): number;
}
