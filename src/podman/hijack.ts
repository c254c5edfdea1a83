import type { Duplex } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import { podmanErrorFromBody } from './errors.js';

/**
 * undici's `upgrade()` reports any non-101 answer as a bare "bad upgrade"; dispatching
 * ourselves keeps Podman's status and message when it refuses to start the stream.
 */
export function hijack(
  client: Pool,
  options: Dispatcher.RequestOptions,
  request: string,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] = [];
    client.dispatch({ ...options, upgrade: 'tcp' } as Dispatcher.DispatchOptions, {
      onRequestStart: () => {},
      onRequestUpgrade: (_controller, _statusCode, _headers, socket) => {
        socket.on('error', () => {});
        resolve(socket as Duplex);
      },
      onResponseStart: (_controller, statusCode) => {
        status = statusCode;
      },
      onResponseData: (_controller, chunk) => {
        chunks.push(chunk);
      },
      onResponseEnd: () =>
        reject(podmanErrorFromBody(status, Buffer.concat(chunks).toString('utf8'), request)),
      onResponseError: (_controller, error) => reject(error),
    });
  });
}
