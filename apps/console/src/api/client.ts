import createClient from 'openapi-fetch';
import type { paths } from './schema';

/** The API, typed from its OpenAPI document: a route or field the server drops fails the type check. */
export const api = createClient<paths>({ baseUrl: '' });

let accessToken: string | null = null;
let onUnauthorized: () => void = () => undefined;
/** The log position of the latest live notice: reads wait until the read models have applied it. */
let minPosition: string | null = null;

export function useAccessToken(token: string | null, unauthorized: () => void): void {
  accessToken = token;
  onUnauthorized = unauthorized;
}

export function authorization(): Record<string, string> {
  return accessToken ? { Authorization: `Bearer ${accessToken}` } : {};
}

export function sawPosition(position: string): void {
  if (minPosition === null || position > minPosition) minPosition = position;
}

api.use({
  onRequest({ request }) {
    if (accessToken) request.headers.set('Authorization', `Bearer ${accessToken}`);
    if (minPosition && request.method === 'GET') request.headers.set('x-ops-min-position', minPosition);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && accessToken) onUnauthorized();
    return response;
  },
});

export interface FieldError {
  field: string;
  message: string;
}

/** An answer in problem+json (RFC 9457), with the fields it names when it names some. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[],
  ) {
    super(detail || title);
  }

  static from(body: unknown, response: Response): ApiProblem {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const errors = Array.isArray(problem.errors) ? (problem.errors as FieldError[]) : [];
    return new ApiProblem(
      response.status,
      typeof problem.title === 'string' ? problem.title : response.statusText,
      typeof problem.detail === 'string' ? problem.detail : '',
      errors,
    );
  }

  /** The message for `field`, if the problem names it. */
  on(field: string): string | undefined {
    return this.errors.find((error) => error.field === field || error.field.startsWith(`${field}.`))?.message;
  }
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The answer's body, or the problem it carries thrown. */
export async function body<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw ApiProblem.from(error, response);
  return data as T;
}

/**
 * For the few routes whose OpenAPI document has no answer schema yet: the request is still typed
 * from the document, the answer by ./views.
 */
export async function bodyAs<T>(call: Promise<Answer<unknown>>): Promise<T> {
  return (await body(call)) as T;
}
