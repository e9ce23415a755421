/**
 * The `fields` parameter of the tracker exports (`FieldFilterService` / `FieldFilterParser`): names,
 * `*` (or `:all`) for every field, `!name` to leave one out, `name[sub,fields]` for a nested object or
 * list. An unknown name selects nothing; a field left out of the object is not printed.
 */
export interface FieldSpec {
  readonly all: boolean;
  readonly include: ReadonlyMap<string, FieldSpec | undefined>;
  readonly exclude: ReadonlySet<string>;
}

export function parseFields(text: string): FieldSpec {
  const [spec] = parseList(text.replace(/\s+/g, ''), 0);
  return spec;
}

function parseList(text: string, start: number): [FieldSpec, number] {
  let all = false;
  const include = new Map<string, FieldSpec | undefined>();
  const exclude = new Set<string>();
  let i = start;
  let name = '';
  const flush = (sub?: FieldSpec) => {
    if (name === '*' || name === ':all') all = true;
    else if (name.startsWith('!')) exclude.add(name.slice(1));
    else if (name !== '') include.set(name, sub ?? include.get(name));
    name = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ',') {
      flush();
      i++;
    } else if (ch === '[' || ch === '(') {
      const [sub, end] = parseList(text, i + 1);
      flush(sub);
      i = end + 1;
      if (text[i] === ',') i++;
    } else if (ch === ']' || ch === ')') {
      flush();
      return [{ all, include, exclude }, i];
    } else {
      name += ch;
      i++;
    }
  }
  flush();
  return [{ all, include, exclude }, i];
}

/** Every field of a view, as `*` would select it. */
export const ALL_FIELDS: FieldSpec = { all: true, include: new Map(), exclude: new Set() };

/** Whether a (possibly nested) field is asked for, so a view builds it only then. */
export function wants(spec: FieldSpec, field: string): boolean {
  if (spec.exclude.has(field)) return false;
  return spec.all || spec.include.has(field);
}

export function applyFields(value: unknown, spec: FieldSpec): unknown {
  if (Array.isArray(value)) return value.map((item) => applyFields(item, spec));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    if (field === undefined || !wants(spec, key)) continue;
    const sub = spec.include.get(key);
    out[key] = sub ? applyFields(field, sub) : field;
  }
  return out;
}
