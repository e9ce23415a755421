import type { MetadataObject } from '../metadata/store.ts';
import { pick, seededRandom, uidFrom } from './random.ts';

/**
 * A real-looking org unit tree (country, regions, districts, facilities), deterministic from a seed.
 * Metadata packages carry no org units, so the sandbox makes them. Two instances with the same seed get
 * the same tree; `distinct` ids keep the names and codes but change every UID (instances not harmonised).
 */
/** The country of the default tree (seed 1, shared ids). */
export const DEFAULT_COUNTRY = 'SbRepublic1';

export interface OrgUnitTreeOptions {
  readonly facilities: number;
  readonly seed: number;
  readonly ids: 'shared' | 'distinct';
}

export interface OrgUnitTree {
  readonly organisationUnits: MetadataObject[];
  readonly organisationUnitLevels: MetadataObject[];
  readonly organisationUnitGroups: MetadataObject[];
  readonly root: string;
  readonly facilities: string[];
}

const REGIONS = ['Northern', 'Eastern', 'Western', 'Central', 'Southern', 'Coastal'];
const PLACES = [
  'Kabarole',
  'Kasese',
  'Bundibugyo',
  'Ntoroko',
  'Kyenjojo',
  'Kamwenge',
  'Bunyangabu',
  'Mbarara',
  'Isingiro',
  'Ibanda',
  'Kiruhura',
  'Rubirizi',
  'Bushenyi',
  'Sheema',
  'Rukungiri',
  'Kanungu',
  'Kisoro',
  'Kabale',
  'Rubanda',
  'Ntungamo',
  'Masaka',
  'Rakai',
  'Kyotera',
  'Lwengo',
  'Sembabule',
  'Mubende',
  'Kiboga',
  'Luweero',
  'Nakaseke',
  'Mityana',
];
const VILLAGES = [
  'Nyakasura',
  'Kagote',
  'Bwera',
  'Kagando',
  'Rwimi',
  'Kibiito',
  'Mugusu',
  'Kasenda',
  'Buheesi',
  'Karambi',
  'Kichwamba',
  'Hakibaale',
  'Ruteete',
  'Kiko',
  'Rwiimi',
  'Kyamukube',
  'Nsorro',
  'Kijura',
  'Butiiti',
  'Mpara',
  'Kyarusozi',
  'Katooke',
  'Nyantungo',
  'Bugaaki',
  'Kahunge',
  'Nkoma',
  'Mahyoro',
  'Bihanga',
  'Kicheche',
  'Kabambiro',
];
const KINDS = [
  { suffix: 'Health Centre II', code: 'HC2', group: 'Health centres' },
  { suffix: 'Health Centre III', code: 'HC3', group: 'Health centres' },
  { suffix: 'Health Centre IV', code: 'HC4', group: 'Health centres' },
  { suffix: 'Hospital', code: 'HOS', group: 'Hospitals' },
];

function unit(
  id: string,
  name: string,
  code: string,
  parent: MetadataObject | undefined,
  level: number,
): MetadataObject {
  return {
    id,
    name,
    shortName: name.slice(0, 50),
    code,
    level,
    path: parent ? `${parent.path}/${id}` : `/${id}`,
    ...(parent ? { parent: { id: parent.id } } : {}),
    openingDate: '1994-01-01T00:00:00.000',
  };
}

export function generateOrgUnitTree(options: OrgUnitTreeOptions): OrgUnitTree {
  const names = seededRandom(options.seed);
  // Ids come from their own stream, so "distinct" changes UIDs and nothing else.
  const ids = seededRandom(options.ids === 'shared' ? options.seed + 1 : options.seed + 1_000_003);
  const regionCount = Math.max(1, Math.min(REGIONS.length, Math.ceil(options.facilities / 40)));
  const districtCount = Math.max(regionCount, Math.ceil(options.facilities / 8));
  // A fixed country UID for the default tree, so examples can name it; a non-harmonised twin gets its own.
  const countryId = options.ids === 'shared' && options.seed === 1 ? DEFAULT_COUNTRY : uidFrom(ids);
  const country = unit(countryId, 'Sandbox Republic', 'SB', undefined, 1);
  const units: MetadataObject[] = [country];
  const regions = Array.from({ length: regionCount }, (_, r) =>
    unit(uidFrom(ids), `${REGIONS[r]} Region`, `SB_R${r + 1}`, country, 2),
  );
  units.push(...regions);
  const districts = Array.from({ length: districtCount }, (_, d) => {
    const place = PLACES[d % PLACES.length]!;
    const name =
      d < PLACES.length
        ? `${place} District`
        : `${place} ${Math.floor(d / PLACES.length) + 1} District`;
    return unit(uidFrom(ids), name, `SB_D${d + 1}`, regions[d % regionCount], 3);
  });
  units.push(...districts);
  const groups = new Map<string, string[]>();
  const facilities = Array.from({ length: options.facilities }, (_, f) => {
    const kind = names() < 0.08 ? KINDS[3]! : pick(names, KINDS.slice(0, 3));
    const village = VILLAGES[f % VILLAGES.length]!;
    const name = `${village}${f >= VILLAGES.length ? ` ${Math.floor(f / VILLAGES.length) + 1}` : ''} ${kind.suffix}`;
    const facility = unit(
      uidFrom(ids),
      name,
      `SB_F${String(f + 1).padStart(5, '0')}`,
      districts[f % districtCount],
      4,
    );
    groups.set(kind.group, [...(groups.get(kind.group) ?? []), facility.id]);
    return facility;
  });
  units.push(...facilities);
  const levels = ['Country', 'Region', 'District', 'Facility'].map((name, i) => ({
    id: uidFrom(ids),
    name,
    level: i + 1,
  }));
  const organisationUnitGroups = [...groups.entries()].map(([name, members]) => ({
    id: uidFrom(ids),
    name,
    code: name.toUpperCase().replace(/\s+/g, '_'),
    organisationUnits: members.map((id) => ({ id })),
  }));
  return {
    organisationUnits: units,
    organisationUnitLevels: levels,
    organisationUnitGroups,
    root: country.id,
    facilities: facilities.map((f) => f.id),
  };
}
