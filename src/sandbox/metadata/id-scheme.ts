/**
 * DHIS2 identifier schemes (`IdScheme.java`): UID, CODE, NAME, ID, UUID and `ATTRIBUTE:<uid>`, case-insensitive.
 * `ATTRIBUTE:` must be followed by an 11-character UID (the whole string is 21 characters).
 */
export type IdScheme =
  | { readonly kind: 'UID' | 'CODE' | 'NAME' | 'ID' | 'UUID' }
  | { readonly kind: 'ATTRIBUTE'; readonly attribute: string };

export const UID_SCHEME: IdScheme = { kind: 'UID' };

export class InvalidIdSchemeError extends Error {
  readonly type = 'invalid-id-scheme';
}

/** A DHIS2 UID: a letter, then ten letters or digits (`CodeGenerator.isValidUid`). */
export const isUid = (id: string) => /^[A-Za-z][A-Za-z0-9]{10}$/.test(id);

export function parseIdScheme(
  text: string | undefined | null,
  fallback: IdScheme = UID_SCHEME,
): IdScheme {
  if (text === undefined || text === null || text.trim() === '') return fallback;
  const value = text.trim();
  if (/^attribute:/i.test(value)) {
    const attribute = value.slice('attribute:'.length);
    if (value.length !== 21 || !isUid(attribute)) {
      throw new InvalidIdSchemeError(`Invalid id scheme: ${value}`);
    }
    return { kind: 'ATTRIBUTE', attribute };
  }
  const kind = value.toUpperCase();
  if (kind === 'UID' || kind === 'CODE' || kind === 'NAME' || kind === 'ID' || kind === 'UUID') {
    return { kind };
  }
  throw new InvalidIdSchemeError(`Invalid id scheme: ${value}`);
}

export function formatIdScheme(scheme: IdScheme): string {
  return scheme.kind === 'ATTRIBUTE' ? `ATTRIBUTE:${scheme.attribute}` : scheme.kind;
}

interface Identifiable {
  id: string;
  code?: unknown;
  name?: unknown;
  attributeValues?: unknown;
}

/** The object's identifier under `scheme`, or undefined when it has none (callers fall back to UID). */
export function identifierOf(object: Identifiable, scheme: IdScheme): string | undefined {
  switch (scheme.kind) {
    case 'UID':
    case 'ID':
    case 'UUID':
      return object.id;
    case 'CODE':
      return typeof object.code === 'string' && object.code !== '' ? object.code : undefined;
    case 'NAME':
      return typeof object.name === 'string' && object.name !== '' ? object.name : undefined;
    case 'ATTRIBUTE':
      return attributeValueOf(object, scheme.attribute);
  }
}

export function attributeValueOf(
  object: { attributeValues?: unknown },
  attribute: string,
): string | undefined {
  if (!Array.isArray(object.attributeValues)) return undefined;
  for (const entry of object.attributeValues as {
    attribute?: { id?: string };
    value?: unknown;
  }[]) {
    if (
      entry?.attribute?.id === attribute &&
      typeof entry.value === 'string' &&
      entry.value !== ''
    ) {
      return entry.value;
    }
  }
  return undefined;
}
