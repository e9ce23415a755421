/**
 * DHIS2's WebMessage envelope (`WebMessageUtils.java`): every API error, and from 2.38 the import
 * summaries, come wrapped in it.
 */
export type WebMessageStatus = 'OK' | 'WARNING' | 'ERROR';

const REASON_PHRASES: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface WebMessage {
  httpStatus: string;
  httpStatusCode: number;
  status: WebMessageStatus;
  message?: string;
  errorCode?: string;
  devMessage?: string;
  response?: unknown;
}

export function webMessage(
  httpStatusCode: number,
  status: WebMessageStatus,
  message?: string,
  extra: { errorCode?: string; response?: unknown; devMessage?: string } = {},
): WebMessage {
  const body: WebMessage = {
    httpStatus: REASON_PHRASES[httpStatusCode] ?? String(httpStatusCode),
    httpStatusCode,
    status,
  };
  if (message !== undefined) body.message = message;
  if (extra.errorCode !== undefined) body.errorCode = extra.errorCode;
  if (extra.devMessage !== undefined) body.devMessage = extra.devMessage;
  if (extra.response !== undefined) body.response = extra.response;
  return body;
}

export const conflict = (message: string, errorCode?: string) =>
  webMessage(409, 'ERROR', message, errorCode ? { errorCode } : {});
export const notFound = (message: string) => webMessage(404, 'ERROR', message);
export const forbidden = (message: string) => webMessage(403, 'ERROR', message);
export const badRequest = (message: string, errorCode?: string) =>
  webMessage(400, 'ERROR', message, errorCode ? { errorCode } : {});
