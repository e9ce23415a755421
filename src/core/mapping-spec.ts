/*
 * A mapping file of `t2a mapping generate`, read (config/mapping-file.ts), and what the generation reads
 * of the two instances. The file has the shape of DHIS2 2.42's program indicator disaggregation: per
 * category a filter per option (`Program.categoryMappings`), and per indicator family the categories it
 * is split by, its base and its target data element.
 */

/** An analytics period boundary (`AnalyticsPeriodBoundary`), without its UID. */
export interface PeriodBoundary {
  /** `analyticsPeriodBoundaryType`: BEFORE_START_OF_REPORTING_PERIOD, AFTER_END_OF_REPORTING_PERIOD… */
  readonly type: string;
  /** `boundaryTarget`: EVENT_DATE, ENROLLMENT_DATE, INCIDENT_DATE, `PS_EVENTDATE:<stage>`, `#{stage.de}`. */
  readonly target: string;
  readonly offsetPeriods?: number | undefined;
  readonly offsetPeriodType?: string | undefined;
}

/** What every generated indicator of a family takes from its base. */
export interface IndicatorBase {
  readonly program: string;
  readonly expression: string;
  readonly filter?: string | undefined;
  readonly analyticsType: string;
  readonly aggregationType: string;
  readonly decimals?: number | undefined;
  readonly boundaries: readonly PeriodBoundary[];
}

/** A base named by an existing program indicator's UID, or written in the file. */
export type BaseSpec = { readonly programIndicator: string } | IndicatorBase;

/** One category of the file: per option code of the target's category, the filter that selects it. */
export interface CategoryMappingSpec {
  /** The file's own key for it (also its `mappingName` unless `name` says otherwise). */
  readonly key: string;
  /** The target's category code. */
  readonly category: string;
  /** The mapping's name in the programme (`mappingName`, native form). */
  readonly name: string;
  readonly options: readonly { readonly code: string; readonly filter: string }[];
}

export interface GroupSpec {
  readonly name: string;
  /** A UID to give the group if it must be created (default: one made from the file's key and name). */
  readonly id?: string | undefined;
}

/** One family: the indicators of one data element, one per combination of its categories' options. */
export interface FamilySpec {
  readonly key: string;
  readonly name: string;
  readonly shortName?: string | undefined;
  /** The target data element's code. */
  readonly dataElement: string;
  readonly group: GroupSpec;
  readonly base: BaseSpec;
  /** Keys of the file's category mappings, in the order the names list their options. */
  readonly categories: readonly string[];
}

export interface MappingSpec {
  /** Where it was read from, for messages. */
  readonly path: string;
  /** Marks what this file made: codes start with `T2A_<KEY>_` (core/generated-names.ts). */
  readonly key: string;
  readonly categoryMappings: ReadonlyMap<string, CategoryMappingSpec>;
  readonly families: readonly FamilySpec[];
}

export interface NamedOption {
  readonly id: string;
  readonly code?: string | undefined;
  readonly name: string;
}

/** A target data element with its category combo: categories, their options, and the option combos. */
export interface TargetElementCombo {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly categoryCombo: {
    readonly id: string;
    readonly code?: string | undefined;
    readonly name: string;
    readonly categories: readonly (NamedOption & { readonly options: readonly NamedOption[] })[];
    readonly optionCombos: readonly (NamedOption & { readonly options: readonly string[] })[];
  };
}
