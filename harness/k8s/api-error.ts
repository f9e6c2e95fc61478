import { STATUS_CODES } from 'node:http';
import { AbortError, ApiException, FetchError } from '@kubernetes/client-node';
import { EnvironmentError, oneLine } from '../errors.ts';
import { timeout } from '../timeouts.ts';

/** The API server answered, with something other than 2xx. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status behind a client-node failure, if the server answered at all. */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof KubeApiError) return error.status;
  if (error instanceof ApiException) return error.code;
  // Watch reports a non-200 answer as a plain Error with statusCode.
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * One line for a client-node failure. ApiException's own message dumps the headers; the
 * Status object in the body says what went wrong.
 */
export function describe(error: unknown): string {
  if (error instanceof ApiException) {
    const status = parseStatus(error.body);
    // Without a body (Log's errors have none), the HTTP reason phrase beats the headers dump.
    const detail = status?.message ?? (typeof error.body === 'string' && error.body !== '' ? error.body : STATUS_CODES[error.code]);
    return oneLine(`${[error.code, status?.reason].filter(Boolean).join(' ')}: ${detail ?? 'no detail'}`);
  }
  if (error instanceof AbortError || (error instanceof Error && error.name === 'AbortError')) {
    return `no answer within ${timeout('kubeRequest') / 1000}s`;
  }
  const status = statusOf(error);
  return status === undefined ? oneLine(error) : `${status} ${oneLine(error)}`;
}

/** Runs one API request; failures come back as one-line errors that name the request. */
export async function request<T>(what: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const message = `${what}: ${describe(error)}`;
    if (error instanceof ApiException) throw new KubeApiError(error.code, message);
    if (error instanceof FetchError || error instanceof AbortError) throw new EnvironmentError(message, { cause: error });
    throw new Error(message, { cause: error });
  }
}

function parseStatus(body: unknown): { reason?: string; message?: string } | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as { reason?: string; message?: string }) : undefined;
  } catch {
    return undefined;
  }
}
