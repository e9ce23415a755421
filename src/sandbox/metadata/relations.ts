import type { MetadataObject, MetadataStore } from './store.ts';
import { refId, refIds } from './store.ts';

/**
 * Which collection a reference property points into, so nested `fields` can expand it
 * (`categoryCombo[id,categoryOptionCombos[code]]`). Embedded objects (dataSetElements, attributeValues…)
 * are not references and are projected in place.
 */
export const REFERENCE_TYPES: Record<string, string> = {
  categoryCombo: 'categoryCombos',
  attributeCombo: 'categoryCombos',
  categoryCombos: 'categoryCombos',
  categoryOptionCombos: 'categoryOptionCombos',
  categoryOptionCombo: 'categoryOptionCombos',
  categoryOptions: 'categoryOptions',
  categories: 'categories',
  dataElement: 'dataElements',
  dataElements: 'dataElements',
  dataElementGroups: 'dataElementGroups',
  dataSet: 'dataSets',
  dataSets: 'dataSets',
  attribute: 'attributes',
  programIndicators: 'programIndicators',
  programIndicatorGroups: 'programIndicatorGroups',
  program: 'programs',
  programs: 'programs',
  programStage: 'programStages',
  programStages: 'programStages',
  trackedEntityType: 'trackedEntityTypes',
  trackedEntityAttribute: 'trackedEntityAttributes',
  optionSet: 'optionSets',
  options: 'options',
  organisationUnits: 'organisationUnits',
  organisationUnit: 'organisationUnits',
  dataViewOrganisationUnits: 'organisationUnits',
  teiSearchOrganisationUnits: 'organisationUnits',
  parent: 'organisationUnits',
  children: 'organisationUnits',
  organisationUnitGroups: 'organisationUnitGroups',
  userRoles: 'userRoles',
  userGroups: 'userGroups',
  users: 'users',
};

type Inverse = Map<string, Map<string, unknown>>;

/**
 * Relations DHIS2 exposes on both sides although an export stores one: an indicator's groups, a data
 * element's data sets (`dataSetElements`) and groups, a category combo's option combos, an org unit's
 * data sets, programs, children and groups.
 */
export class Relations {
  private generation = -1;
  private inverse: Inverse = new Map();

  constructor(private readonly metadata: MetadataStore) {}

  /** The inverse property of an object, or undefined when the type has none by that name. */
  get(type: string, id: string, property: string): unknown {
    this.refresh();
    return this.inverse.get(`${type}.${property}`)?.get(id);
  }

  has(type: string, property: string): boolean {
    this.refresh();
    return this.inverse.has(`${type}.${property}`);
  }

  private add(key: string, id: string, value: unknown): void {
    let map = this.inverse.get(key);
    if (!map) {
      map = new Map();
      this.inverse.set(key, map);
    }
    const list = (map.get(id) as unknown[] | undefined) ?? [];
    list.push(value);
    map.set(id, list);
  }

  private ensure(key: string): void {
    if (!this.inverse.has(key)) this.inverse.set(key, new Map());
  }

  private refresh(): void {
    if (this.generation === this.metadata.generation) return;
    this.generation = this.metadata.generation;
    this.inverse = new Map();
    const keys = [
      'programIndicators.programIndicatorGroups',
      'dataElements.dataSetElements',
      'dataElements.dataElementGroups',
      'categoryCombos.categoryOptionCombos',
      'organisationUnits.dataSets',
      'organisationUnits.programs',
      'organisationUnits.children',
      'organisationUnits.organisationUnitGroups',
    ];
    for (const key of keys) this.ensure(key);
    const each = (type: string, visit: (object: MetadataObject) => void) =>
      this.metadata.list(type).forEach(visit);
    each('programIndicatorGroups', (group) =>
      refIds(group.programIndicators).forEach((id) =>
        this.add('programIndicators.programIndicatorGroups', id, { id: group.id }),
      ),
    );
    each('dataElementGroups', (group) =>
      refIds(group.dataElements).forEach((id) =>
        this.add('dataElements.dataElementGroups', id, { id: group.id }),
      ),
    );
    each('dataSets', (dataSet) => {
      for (const element of (dataSet.dataSetElements as
        | { dataElement?: { id?: string } }[]
        | undefined) ?? []) {
        const id = element.dataElement?.id;
        if (id)
          this.add('dataElements.dataSetElements', id, {
            dataSet: { id: dataSet.id },
            dataElement: { id },
          });
      }
      refIds(dataSet.organisationUnits).forEach((id) =>
        this.add('organisationUnits.dataSets', id, { id: dataSet.id }),
      );
    });
    each('programs', (program) =>
      refIds(program.organisationUnits).forEach((id) =>
        this.add('organisationUnits.programs', id, { id: program.id }),
      ),
    );
    each('categoryOptionCombos', (coc) => {
      const combo = refId(coc.categoryCombo);
      if (combo) this.add('categoryCombos.categoryOptionCombos', combo, { id: coc.id });
    });
    each('organisationUnits', (unit) => {
      const parent = refId(unit.parent);
      if (parent) this.add('organisationUnits.children', parent, { id: unit.id });
    });
    each('organisationUnitGroups', (group) =>
      refIds(group.organisationUnits).forEach((id) =>
        this.add('organisationUnits.organisationUnitGroups', id, { id: group.id }),
      ),
    );
  }
}
