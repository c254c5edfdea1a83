import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/**
 * Starts each request's handling in an event-loop turn of its own, in the order they came.
 * Node parses every request that arrived together in one pass and hands each to the
 * listener at once, so a burst of requests ran back to back with no socket served between
 * them: 200 logins arriving together held every terminal's output for 60-170 ms
 * (bench/login-storm.ts). In turns, terminals are served between any two requests' starts.
 */
export function requestsInTurns(listener: RequestListener): RequestListener {
  const line: [IncomingMessage, ServerResponse][] = [];
  const next = () => {
    const request = line.shift();
    if (line.length > 0) setImmediate(next);
    if (request) listener(...request);
  };
  return (request, response) => {
    if (line.push([request, response]) === 1) setImmediate(next);
  };
}
