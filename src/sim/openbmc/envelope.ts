/**
 * The phosphor REST envelope: `{"data": ..., "message": "200 OK", "status": "ok"}` and its error form
 * `{"data": {"description": ..., "exception": ...}, "message": "404 Not Found", "status": "error"}`.
 */
import type { SimResponse } from '../types.js';

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export function statusLine(status: number): string {
  return `${status} ${REASONS[status] ?? 'Error'}`;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

export function ok(data: unknown, headers: Record<string, string> = {}): SimResponse {
  return {
    status: 200,
    headers: { ...JSON_TYPE, ...headers },
    body: { data, message: statusLine(200), status: 'ok' },
  };
}

export function fail(status: number, description: string, exception?: string): SimResponse {
  return {
    status,
    headers: JSON_TYPE,
    body: {
      data: { description, ...(exception === undefined ? {} : { exception }) },
      message: statusLine(status),
      status: 'error',
    },
  };
}

/** Thrown by object handlers; the frontend turns it into `fail()`. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly exception?: string,
  ) {
    super(message);
  }
}

export function notFound(path: string): RestError {
  return new RestError(
    404,
    `org.freedesktop.DBus.Error.FileNotFound: path or object not found: ${path}`,
    'path or object not found',
  );
}
