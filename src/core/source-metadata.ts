/**
 * What the reference and export checks read of the source: its programmes, their stages with their data
 * elements, their tracked entity attributes, and the aggregate data exchanges a package ships (which say
 * which indicators it means to export, and in which periods).
 */
export interface SourceProgram {
  readonly id: string;
  readonly stages: ReadonlySet<string>;
  readonly attributes: ReadonlySet<string>;
}

export interface SourceStage {
  readonly id: string;
  readonly program: string;
  readonly dataElements: ReadonlySet<string>;
}

/** One source request of an exchange: its own periods, so its own period type. */
export interface ExchangeRequest {
  readonly name: string;
  /** The `pe` items: relative periods or ISO ids. */
  readonly periods: readonly string[];
  /** The program indicators (and other items) it exports. */
  readonly items: readonly string[];
}

export interface AggregateDataExchange {
  readonly id: string;
  readonly name: string;
  readonly requests: readonly ExchangeRequest[];
  /** The items of every request. */
  readonly items: readonly string[];
}

export interface SourceMetadata {
  readonly programs: ReadonlyMap<string, SourceProgram>;
  readonly stages: ReadonlyMap<string, SourceStage>;
  readonly exchanges: readonly AggregateDataExchange[];
}

export const EMPTY_SOURCE: SourceMetadata = {
  programs: new Map(),
  stages: new Map(),
  exchanges: [],
};
