/** What both pages use: element lookup, and calls to the server's JSON API. */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * Calls the API; resolves the JSON answer (or the text, for logs; empty for 204). An error
 * answer rejects with the server's message and the HTTP status.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  const answer = isJson ? await res.json() : await res.text();
  if (!res.ok)
    throw Object.assign(new Error(answer?.error?.message ?? res.statusText), {
      status: res.status,
    });
  return answer as T;
}
