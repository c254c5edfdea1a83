import type { PGlite, Transaction } from '@electric-sql/pglite';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * PGlite runs each query synchronously on the event loop's thread, and queries waiting for
 * it follow one another in microtasks, which never let I/O in: a burst of 200 logins held
 * every terminal's keystrokes for 650 ms. Here queries (and whole transactions) run one at
 * a time, each from a turn of the event loop of its own, and so do the queries inside a
 * transaction: sockets are served between any two queries.
 */
export function takeTurns(client: PGlite): PGlite {
  const query = client.query.bind(client);
  const transaction = client.transaction.bind(client);
  let last: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = last.then(nextTurn, nextTurn).then(work);
    last = run.catch(() => {});
    return run;
  };
  client.query = ((...args: Parameters<PGlite['query']>) =>
    inTurn(() => query(...args))) as PGlite['query'];
  client.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    inTurn(() => transaction((tx) => callback(turnByTurn(tx))))) as PGlite['transaction'];
  return client;
}

/** A transaction's own queries need no line (the transaction holds the database). */
function turnByTurn(tx: Transaction): Transaction {
  const query = tx.query.bind(tx);
  tx.query = (async (...args: Parameters<Transaction['query']>) => {
    await nextTurn();
    return query(...args);
  }) as Transaction['query'];
  return tx;
}
