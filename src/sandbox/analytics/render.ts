import type { WebMessage } from '../http/web-message.ts';
import type { ExportedDataValue } from './data-value-set.ts';
import { csvValueText, valueText } from './format.ts';

/**
 * The three renderings of `/api/analytics/dataValueSet`: the dxf2 `DataValueSet` through Jackson
 * (JSON, XML with the values as attributes and no `dataValues` wrapper, null fields left out), and the
 * grid of `AnalyticsUtils.getDataValueSetAsGrid` through `GridUtils.toCsv` (2.40+).
 */
const FIELDS = [
  'dataElement',
  'period',
  'orgUnit',
  'categoryOptionCombo',
  'attributeOptionCombo',
  'value',
  'storedBy',
  'created',
  'lastUpdated',
  'comment',
  'followup',
] as const;

type Rendered = Partial<Record<(typeof FIELDS)[number], string | boolean>>;

function rendered(value: ExportedDataValue): Rendered {
  return { ...value, value: valueText(value.value) };
}

export function dataValueSetJson(values: readonly ExportedDataValue[]): {
  dataValues: Rendered[];
} {
  return { dataValues: values.map(rendered) };
}

const escapeXml = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

const XML_HEAD = "<?xml version='1.0' encoding='UTF-8'?>";
const DXF = 'http://dhis2.org/schema/dxf/2.0';

export function dataValueSetXml(values: readonly ExportedDataValue[]): string {
  const rows = values.map((value) => {
    const fields = rendered(value);
    const attributes = FIELDS.flatMap((field) =>
      fields[field] === undefined ? [] : [`${field}="${escapeXml(String(fields[field]))}"`],
    );
    return `<dataValue ${attributes.join(' ')}/>`;
  });
  return `${XML_HEAD}<dataValueSet xmlns="${DXF}">${rows.join('')}</dataValueSet>`;
}

export const CSV_HEADER = [
  'data_element',
  'period',
  'organisation_unit',
  'category_option_combo',
  'attribute_option_combo',
  'value',
  'stored_by',
  'created',
  'last_updated',
  'comment',
  'follow_up',
];

/** javacsv's `CsvWriter`: quotes a cell only when it holds the delimiter, a quote or a line break. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function dataValueSetCsv(values: readonly ExportedDataValue[]): string {
  const lines = values.map((v) =>
    [
      v.dataElement,
      v.period,
      v.orgUnit,
      v.categoryOptionCombo ?? '',
      v.attributeOptionCombo ?? '',
      csvValueText(v.value),
      v.storedBy ?? '',
      v.created,
      v.lastUpdated,
      v.comment,
      String(v.followup),
    ]
      .map(csvCell)
      .join(','),
  );
  return [CSV_HEADER.join(','), ...lines].map((line) => `${line}\n`).join('');
}

/** A WebMessage as the XML renderer writes it (`WebMessage` is a `@JacksonXmlRootElement`). */
export function webMessageXml(message: WebMessage): string {
  const attributes = (['httpStatus', 'httpStatusCode', 'status', 'errorCode'] as const).flatMap(
    (key) => (message[key] === undefined ? [] : [`${key}="${escapeXml(String(message[key]))}"`]),
  );
  const body =
    message.message === undefined ? '' : `<message>${escapeXml(message.message)}</message>`;
  return `${XML_HEAD}<webMessage xmlns="${DXF}" ${attributes.join(' ')}>${body}</webMessage>`;
}
