/**
 * Which data sets to mark complete. DHIS2 computes reporting completeness from complete registrations,
 * which nobody makes when a script fills the form; t2a marks them by a rule over what it delivered.
 * Complete here means "reported", not "the register was fully entered".
 */
export type CompletenessRule =
  | { readonly kind: 'min-values'; readonly count: number }
  | { readonly kind: 'min-of'; readonly dataElements: readonly string[]; readonly count: number }
  | { readonly kind: 'all-mapped' };

export interface CompletenessInput {
  /** Data element codes t2a delivered, by `orgUnit|period`. */
  readonly delivered: ReadonlyMap<string, ReadonlySet<string>>;
  /** Values delivered (all combos), by `orgUnit|period`. */
  readonly valueCounts: ReadonlyMap<string, number>;
  readonly rule: CompletenessRule;
  /** Every data element code the job maps. */
  readonly mappedDataElements: ReadonlySet<string>;
  /** `orgUnit|period` already registered complete (by a person or an earlier run). */
  readonly registered: ReadonlySet<string>;
  /** Periods still open (the current one when the job excludes it): never marked. */
  readonly openPeriods: ReadonlySet<string>;
}

export interface CompletenessPlan {
  readonly mark: { readonly orgUnit: string; readonly period: string }[];
  readonly alreadyComplete: number;
  readonly belowRule: { readonly orgUnit: string; readonly period: string; readonly why: string }[];
  readonly stillOpen: number;
}

export const completenessKey = (orgUnit: string, period: string) => `${orgUnit}|${period}`;

function meets(
  rule: CompletenessRule,
  elements: ReadonlySet<string>,
  values: number,
  mapped: ReadonlySet<string>,
): string | undefined {
  switch (rule.kind) {
    case 'min-values':
      return values >= rule.count ? undefined : `${values} value(s), the rule asks ${rule.count}`;
    case 'min-of': {
      const have = rule.dataElements.filter((code) => elements.has(code)).length;
      return have >= rule.count
        ? undefined
        : `${have} of the listed data elements, the rule asks ${rule.count}`;
    }
    case 'all-mapped': {
      const missing = [...mapped].filter((code) => !elements.has(code));
      return missing.length === 0
        ? undefined
        : `no value for ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}`;
    }
  }
}

export function planCompleteness(
  input: CompletenessInput,
  candidates: readonly { orgUnit: string; period: string }[],
): CompletenessPlan {
  const plan: { -readonly [K in keyof CompletenessPlan]: CompletenessPlan[K] } = {
    mark: [],
    alreadyComplete: 0,
    belowRule: [],
    stillOpen: 0,
  };
  for (const { orgUnit, period } of candidates) {
    const key = completenessKey(orgUnit, period);
    if (input.openPeriods.has(period)) {
      plan.stillOpen += 1;
      continue;
    }
    if (input.registered.has(key)) {
      plan.alreadyComplete += 1;
      continue;
    }
    const why = meets(
      input.rule,
      input.delivered.get(key) ?? new Set(),
      input.valueCounts.get(key) ?? 0,
      input.mappedDataElements,
    );
    if (why) plan.belowRule.push({ orgUnit, period, why });
    else plan.mark.push({ orgUnit, period });
  }
  return plan;
}
