/**
 * The other side of bench/login-storm.ts: a process of its own that fires a storm of
 * concurrent wrong logins when asked, so that making 200 requests does not stall the
 * process measuring the terminals' echo (a real storm comes from elsewhere, too).
 * Asked with `{ origin, round, logins }` over IPC; answers with the statuses.
 */
process.on('message', async (ask: { origin: string; round: number; logins: number }) => {
  const statuses = await Promise.all(
    Array.from({ length: ask.logins }, (_, i) =>
      fetch(`${ask.origin}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ask.origin },
        // Usernames of their own each round: no username's slow-down carries over.
        body: JSON.stringify({ username: `nobody${ask.round}x${i}`, password: 'not the password' }),
      }).then((res) => res.status),
    ),
  );
  process.send?.(statuses);
});
process.on('disconnect', () => process.exit(0));
