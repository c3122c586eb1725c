// The one error type routes throw (the app's error handler turns it into an OpenAI-style JSON error body), and the
// errors every route words the same way: a body that does not parse, a model this server does not know.
import type { ModelTable } from '../model-states.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Parses a request body with a zod schema; a mismatch is a 400 naming the field. */
export function parseBody<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  body: unknown,
): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  const field = first.path.map(String).join('.') || 'body';
  throw new HttpError(400, `${field}: ${first.message.replace(/^Invalid input: /, '')}`);
}

/** The one 404 for a model name this server does not know, naming those it has. */
export function modelNotFound<H>(name: string, models: ModelTable<H>): HttpError {
  const known = models.size > 0 ? `; it has ${[...models.keys()].join(', ')}` : '';
  return new HttpError(404, `model "${name}" does not exist on this server${known}`, 'not_found_error');
}
