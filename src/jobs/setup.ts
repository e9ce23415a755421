import { T2aError } from '../core/errors.ts';
import type { Dhis2Client } from '../dhis2/client.ts';

/** The WHO packages' mapping attribute: reusing its UID lines a new instance up with them. */
export const WHO_MAPPING_ATTRIBUTE = {
  id: 'vudyDP7jUy5',
  code: 'DATA_ELEMENT_AGG',
  name: 'Data element for aggregate data export',
  shortName: 'Data element for aggregate export',
} as const;

export interface AttributeSetup {
  readonly attribute: string;
  readonly action: 'found' | 'created' | 'enabled';
}

interface AttributeResponse {
  id: string;
  name: string;
  valueType?: string;
  programIndicatorAttribute?: boolean;
}

/**
 * `t2a setup attribute`: the implementation guide's custom attribute — text, not unique, not mandatory,
 * for program indicators only. Finds it (by UID, then code) or creates it; run again, it changes nothing.
 */
export async function setupAttribute(
  source: Dhis2Client,
  attributeId: string = WHO_MAPPING_ATTRIBUTE.id,
): Promise<AttributeSetup> {
  const found = await source.get<{ attributes: AttributeResponse[] }>('attributes', {
    fields: ':owner',
    filter: [`id:eq:${attributeId}`],
    paging: false,
  });
  let attribute = found.attributes[0];
  if (!attribute && attributeId === WHO_MAPPING_ATTRIBUTE.id) {
    const byCode = await source.get<{ attributes: AttributeResponse[] }>('attributes', {
      fields: ':owner',
      filter: `code:eq:${WHO_MAPPING_ATTRIBUTE.code}`,
      paging: false,
    });
    attribute = byCode.attributes[0];
  }
  if (attribute) {
    if (attribute.valueType && attribute.valueType !== 'TEXT') {
      throw new T2aError(
        'config',
        `Attribute ${attribute.name} (${attribute.id}) exists but holds ${attribute.valueType}, not text.`,
        {
          fix: 'Use another attribute for the mapping, or change its value type in the Maintenance app.',
        },
      );
    }
    if (attribute.programIndicatorAttribute) return { attribute: attribute.id, action: 'found' };
    await source.request(
      'PUT',
      `attributes/${attribute.id}`,
      {},
      { ...attribute, programIndicatorAttribute: true },
    );
    return { attribute: attribute.id, action: 'enabled' };
  }
  await source.post(
    'attributes',
    {},
    {
      ...WHO_MAPPING_ATTRIBUTE,
      id: attributeId,
      valueType: 'TEXT',
      unique: false,
      mandatory: false,
      programIndicatorAttribute: true,
    },
  );
  return { attribute: attributeId, action: 'created' };
}
