export type Severity = 'error' | 'warning' | 'info';

/** One thing wrong (or worth knowing) about the mapping, with the fix in words. */
export interface Finding {
  readonly kind: string;
  readonly severity: Severity;
  readonly programIndicator?: { readonly id: string; readonly name: string } | undefined;
  readonly dataElement?: string | undefined;
  readonly categoryOptionCombo?: string | undefined;
  readonly attributeOptionCombo?: string | undefined;
  readonly message: string;
  readonly fix: string;
  /** For an unknown code: the closest existing codes. */
  readonly suggestions?: readonly string[] | undefined;
}
