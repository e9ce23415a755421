import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The demo's immunisation mapping as a team would keep it in git: per category of the HMIS (its
 * codes) a tracker filter per option, and two families (BCG, Penta 3) split by age and sex.
 */
export function demoMappingYaml(
  change: {
    key?: string;
    group?: string;
    bcgName?: string;
    maleFilter?: string;
    bcgFilter?: string;
    bcgElement?: string;
    withoutPenta?: boolean;
    sexOptions?: string;
  } = {},
): string {
  const penta = `  PENTA3:
    name: Penta 3 doses given
    dataElement: IMM_PENTA3_DOSES
    base:
      program: DemoEirPrg1
      expression: V{event_count}
      filter: "#{DemoVaccStg.DemoDeVacc1} == 'PENTA' && #{DemoVaccStg.DemoDeDose1} == 3"
      aggregationType: COUNT
      decimals: 0
    categories: [age, sex]
`;
  return `key: ${change.key ?? 'DEMO'}
group: ${change.group ?? 'Generated immunisation (demo)'}
categoryMappings:
  age:
    category: AGE_DEMO
    name: Age at the visit
    options:
      LT1Y: d2:yearsBetween(A{DemoTeaDob1}, V{event_date}) < 1
      1_4Y: d2:yearsBetween(A{DemoTeaDob1}, V{event_date}) >= 1
  sex:
    category: SEX_DEMO
    name: Sex in the register
    options:
${
  change.sexOptions ??
  `      F: A{DemoTeaSex1} == 'FEMALE'
      M: ${change.maleFilter ?? "A{DemoTeaSex1} == 'MALE'"}`
}
indicators:
  BCG:
    name: ${change.bcgName ?? 'BCG doses given'}
    dataElement: ${change.bcgElement ?? 'IMM_BCG_DOSES'}
    base:
      program: DemoEirPrg1
      expression: V{event_count}
      filter: "${change.bcgFilter ?? "#{DemoVaccStg.DemoDeVacc1} == 'BCG' && #{DemoVaccStg.DemoDeDose1} == 1"}"
      aggregationType: COUNT
      decimals: 0
    categories: [age, sex]
${change.withoutPenta ? '' : penta}`;
}

/** The text written to a file of its own, as `--file` names it. */
export function mappingFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 't2a-mapping-')), 'mapping.yaml');
  writeFileSync(file, text);
  return file;
}
