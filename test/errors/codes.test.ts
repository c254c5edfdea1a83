import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { exitStatusByCode } from '../../src/cli/exit-status.js';
import { ERROR_CODES, type ErrorCode } from '../../src/errors/codes.js';
import { statusByCode } from '../../src/http/errors.js';

describe('error codes', () => {
  it('are held by the compiler to one status and one exit status each', () => {
    expectTypeOf(statusByCode).toEqualTypeOf<Readonly<Record<ErrorCode, ContentfulStatusCode>>>();
    expectTypeOf(exitStatusByCode).toExtend<Readonly<Record<ErrorCode, number>>>();
    const { 'workspace.not_found': _left, ...withoutOne } = statusByCode;
    // `npm run typecheck` fails if a table that lacks a code ever compiles.
    // @ts-expect-error: 'workspace.not_found' has no status
    const incomplete: Readonly<Record<ErrorCode, ContentfulStatusCode>> = withoutOne;
    expect(Object.keys(incomplete)).toHaveLength(ERROR_CODES.length - 1);
  });

  it.each([
    ['HTTP statuses', statusByCode],
    ['exit statuses', exitStatusByCode],
  ])('each have one entry in the %s, and nothing else', (_, table) => {
    expect(Object.keys(table).sort()).toEqual([...ERROR_CODES].sort());
  });
});
