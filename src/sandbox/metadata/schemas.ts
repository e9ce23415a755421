import { atLeast, type Dhis2Version } from '../version.ts';

/**
 * What the metadata import knows of a type: its class (for reports) and who may create it. Taken from
 * each type's `*SchemaDescriptor` (CREATE, CREATE_PUBLIC, CREATE_PRIVATE authorities, the same from
 * 2.36 to 2.43) and whether its class carries sharing (its `.hbm.xml`), which decides how
 * `DefaultAclService.canCreate` reads them.
 */
export interface TypeSchema {
  /** The class below `org.hisp.dhis.`, e.g. `program.ProgramIndicator`. */
  readonly klass: string;
  readonly shareable: boolean;
  readonly create: readonly string[];
  readonly createPublic: readonly string[];
  readonly createPrivate: readonly string[];
}

type Authorities = { create?: string[]; public?: string[]; private?: string[] };
const s = (klass: string, shareable: boolean, a: Authorities = {}): TypeSchema => ({
  klass,
  shareable,
  create: a.create ?? [],
  createPublic: a.public ?? [],
  createPrivate: a.private ?? [],
});
const pp = (prefix: string) => ({
  public: [`${prefix}_PUBLIC_ADD`],
  private: [`${prefix}_PRIVATE_ADD`],
});

const SCHEMAS: Record<string, TypeSchema> = {
  attributes: s('attribute.Attribute', true, pp('F_ATTRIBUTE')),
  categories: s('category.Category', true, pp('F_CATEGORY')),
  categoryCombos: s('category.CategoryCombo', true, pp('F_CATEGORY_COMBO')),
  categoryOptionCombos: s('category.CategoryOptionCombo', false, {
    create: ['F_CATEGORY_COMBO_PUBLIC_ADD', 'F_CATEGORY_COMBO_PRIVATE_ADD'],
  }),
  categoryOptionGroupSets: s(
    'category.CategoryOptionGroupSet',
    true,
    pp('F_CATEGORY_OPTION_GROUP_SET'),
  ),
  categoryOptionGroups: s('category.CategoryOptionGroup', true, pp('F_CATEGORY_OPTION_GROUP')),
  categoryOptions: s('category.CategoryOption', true, pp('F_CATEGORY_OPTION')),
  constants: s('constant.Constant', true, { create: ['F_CONSTANT_ADD'] }),
  dashboards: s('dashboard.Dashboard', true, { public: ['F_DASHBOARD_PUBLIC_ADD'] }),
  dataElementGroupSets: s('dataelement.DataElementGroupSet', true, pp('F_DATAELEMENTGROUPSET')),
  dataElementGroups: s('dataelement.DataElementGroup', true, pp('F_DATAELEMENTGROUP')),
  dataElements: s('dataelement.DataElement', true, pp('F_DATAELEMENT')),
  dataEntryForms: s('dataentryform.DataEntryForm', false),
  dataSets: s('dataset.DataSet', true, pp('F_DATASET')),
  indicatorGroups: s('indicator.IndicatorGroup', true, pp('F_INDICATORGROUP')),
  indicatorTypes: s('indicator.IndicatorType', false, { create: ['F_INDICATORTYPE_ADD'] }),
  indicators: s('indicator.Indicator', true, pp('F_INDICATOR')),
  legendSets: s('legend.LegendSet', true, pp('F_LEGEND_SET')),
  maps: s('mapping.Map', true, { public: ['F_MAP_PUBLIC_ADD'] }),
  optionGroupSets: s('option.OptionGroupSet', true, pp('F_OPTIONGROUPSET')),
  optionGroups: s('option.OptionGroup', true, pp('F_OPTIONGROUP')),
  optionSets: s('option.OptionSet', true, pp('F_OPTIONSET')),
  options: s('option.Option', false, pp('F_OPTIONSET')),
  organisationUnitGroupSets: s(
    'organisationunit.OrganisationUnitGroupSet',
    true,
    pp('F_ORGUNITGROUPSET'),
  ),
  organisationUnitGroups: s('organisationunit.OrganisationUnitGroup', true, pp('F_ORGUNITGROUP')),
  organisationUnitLevels: s('organisationunit.OrganisationUnitLevel', false, {
    create: ['F_ORGANISATIONUNITLEVEL_UPDATE'],
  }),
  organisationUnits: s('organisationunit.OrganisationUnit', false, {
    create: ['F_ORGANISATIONUNIT_ADD'],
  }),
  predictors: s('predictor.Predictor', false, { create: ['F_PREDICTOR_ADD'] }),
  programIndicatorGroups: s('program.ProgramIndicatorGroup', true, {
    create: ['F_PROGRAM_INDICATOR_GROUP_PUBLIC_ADD', 'F_PROGRAM_INDICATOR_GROUP_PRIVATE_ADD'],
  }),
  programIndicators: s('program.ProgramIndicator', true, pp('F_PROGRAM_INDICATOR')),
  programRuleActions: s('programrule.ProgramRuleAction', false, {
    create: ['F_PROGRAM_RULE_MANAGEMENT'],
  }),
  programRuleVariables: s('programrule.ProgramRuleVariable', false, {
    create: ['F_PROGRAM_RULE_MANAGEMENT'],
  }),
  programRules: s('programrule.ProgramRule', false, {
    create: ['F_PROGRAM_RULE_ADD', 'F_PROGRAM_RULE_MANAGEMENT'],
  }),
  programSections: s('program.ProgramSection', false, { public: ['F_PROGRAM_PUBLIC_ADD'] }),
  programStageDataElements: s('program.ProgramStageDataElement', false),
  programStageSections: s('program.ProgramStageSection', false, { create: ['F_PROGRAMSTAGE_ADD'] }),
  programStages: s('program.ProgramStage', true, { create: ['F_PROGRAMSTAGE_ADD'] }),
  programTrackedEntityAttributes: s('program.ProgramTrackedEntityAttribute', false),
  programs: s('program.Program', true, pp('F_PROGRAM')),
  relationshipTypes: s('relationship.RelationshipType', true, pp('F_RELATIONSHIPTYPE')),
  sections: s('dataset.Section', false, { create: ['F_SECTION_ADD'] }),
  sqlViews: s('sqlview.SqlView', true, pp('F_SQLVIEW')),
  trackedEntityAttributes: s(
    'trackedentity.TrackedEntityAttribute',
    true,
    pp('F_TRACKED_ENTITY_ATTRIBUTE'),
  ),
  trackedEntityTypes: s('trackedentity.TrackedEntityType', true, {
    create: ['F_TRACKED_ENTITY_ADD'],
  }),
  userGroups: s('user.UserGroup', true, pp('F_USERGROUP')),
  userRoles: s('user.UserRole', true, pp('F_USERROLE')),
  users: s('user.User', false, { create: ['F_USER_ADD', 'F_USER_ADD_WITHIN_MANAGED_GROUP'] }),
  validationRules: s('validation.ValidationRule', true, pp('F_VALIDATIONRULE')),
  visualizations: s('visualization.Visualization', true),
};

/** `programIndicators` → `ProgramIndicator`, for a type the table does not name. */
export const simpleClassOf = (type: string): string =>
  SCHEMAS[type]?.klass.split('.').pop() ??
  type.charAt(0).toUpperCase() + type.slice(1).replace(/ies$/, 'y').replace(/s$/, '');

/** The type's schema; a type the table does not name asks for no authority. */
export function schemaOf(type: string): TypeSchema {
  return SCHEMAS[type] ?? s(simpleClassOf(type), false);
}

/** The class name reports carry: `org.hisp.dhis.user.User`; roles were `UserAuthorityGroup` up to 2.37. */
export function klassOf(version: Dhis2Version, type: string): string {
  if (type === 'userRoles' && !atLeast(version, 38)) return 'org.hisp.dhis.user.UserAuthorityGroup';
  return `org.hisp.dhis.${schemaOf(type).klass}`;
}

export function simpleKlassOf(version: Dhis2Version, type: string): string {
  return klassOf(version, type).split('.').pop()!;
}

/**
 * `DefaultAclService.canCreate`: a superuser always; a type without sharing needs one of its CREATE
 * authorities; a shareable type one of its CREATE_PUBLIC or one of its CREATE_PRIVATE ones. An empty list
 * asks for nothing (`canAccess`), so a shareable type that names only CREATE (program stages, constants,
 * tracked entity types, program indicator groups) can be created by anyone, as in DHIS2.
 */
export function canCreate(authorities: ReadonlySet<string>, type: string): boolean {
  if (authorities.has('ALL')) return true;
  const schema = schemaOf(type);
  const any = (list: readonly string[]) =>
    list.length === 0 || list.some((authority) => authorities.has(authority));
  return schema.shareable
    ? any(schema.createPublic) || any(schema.createPrivate)
    : any(schema.create);
}

/**
 * The authorities `DefaultAclService.canUpdate` asks for when a type names no UPDATE authority (none of
 * these does): any of its create authorities; an empty list asks for nothing.
 */
export function updateAuthorities(type: string): readonly string[] {
  const schema = schemaOf(type);
  return [...schema.create, ...schema.createPrivate, ...schema.createPublic];
}

/** `DefaultAclService.canMakeClassPublic`: a shareable type and one of its CREATE_PUBLIC authorities. */
export function canMakePublic(authorities: ReadonlySet<string>, type: string): boolean {
  const schema = schemaOf(type);
  if (!schema.shareable) return false;
  return (
    authorities.has('ALL') ||
    schema.createPublic.length === 0 ||
    schema.createPublic.some((authority) => authorities.has(authority))
  );
}
