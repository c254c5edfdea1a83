import type { Readable } from 'node:stream';

/** Collects a stream's output until `pattern` matches it; fails after `timeoutMs`. */
export function readUntil(stream: Readable, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const done = (error?: Error) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      if (error) reject(error);
      else resolve(seen);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (pattern.test(seen)) done();
    };
    const onEnd = () =>
      done(new Error(`stream ended before ${pattern}; got ${JSON.stringify(seen)}`));
    const timer = setTimeout(
      () => done(new Error(`no ${pattern} within ${timeoutMs} ms; got ${JSON.stringify(seen)}`)),
      timeoutMs,
    );
    stream.on('data', onData);
    stream.on('end', onEnd);
  });
}
