/** The UIDs of AnalyticsPiDisaggregationTest and of the Sierra Leone demo database it runs on. */
export const SL = {
  country: 'ImspTQPwCqd',
  bo: 'O6uvpzGd5pu',
  badjia: 'YuQRtpLP10I',
  ngelehun: 'DiszpKrYNg8',
  /** A sibling facility of Ngelehun (the ou filter leaves its events out). */
  njandama: 'g8upMTyEZGZ',
  program: 'eBAyeGv0exc',
  stage: 'Zj7UnCAulEk',
  genderDe: 'oZg33kd9taw',
  weightDe: 'vV9UWAZohSf',
  genderCategory: 'cX5k9anHEHd',
  female: 'apsOixVZlf1',
  male: 'jRbMi0aBjYn',
  defaultCombo: 'bjDvmb4bfuf',
} as const;

/** The test's own UIDs (l.96–102). */
export const E2E = {
  weightCategory: 'fAe1g4o6ngo',
  combo: 'HohH2ii7sah',
  genderMapping: 'gIgiL8ow0bi',
  weightMapping: 'aooDie1Fie4',
  indicator: 'Ham7uPo9cah',
  exportDataElement: 'ExportDeId',
} as const;

export const E2E_USER = { username: 'e2e', password: 'E2eTester1!' } as const;
export const E2E_AUTH = `Basic ${Buffer.from(`${E2E_USER.username}:${E2E_USER.password}`).toString('base64')}`;

export const GENDERS = ['Female', 'Male'] as const;
export const GENDER_OPTION = { Female: SL.female, Male: SL.male } as const;
export const WEIGHTS = Array.from({ length: 41 }, (_, i) => 20 + i);
/** `getWeightUid`: `weight%05d`, and `weightOther`, `weightMissi`. */
export const weightUid = (w: number | 'Other' | 'Missing') =>
  typeof w === 'number' ? `weight${String(w).padStart(5, '0')}` : `weight${w.slice(0, 5)}`;
/** `getCocUid`: `coc%.4s%04d`, `coc%.4s%.4s`. */
export const cocUid = (gender: 'Female' | 'Male', w: number | 'Other' | 'Missing') =>
  `coc${gender.slice(0, 4)}${typeof w === 'number' ? String(w).padStart(4, '0') : w.slice(0, 4)}`;
