import { describe, expect, it } from 'vitest';
import { type WorkspaceNames, workspaceNames } from '../../src/naming/workspace-names.js';
import { createNameChoice, type Held } from '../../src/workspaces/name-choice.js';

const ME = 'a1b2c3';
const plain = workspaceNames('7');
const own = workspaceNames('7', ME);
const labelled = (installation?: string): Held => ({
  labels: {
    'claude-web.managed': 'true',
    ...(installation ? { 'claude-web.installation': installation } : {}),
  },
});

/** What the runtime holds, by container name, and which names a user's workspace gets. */
const cases: [name: string, held: Record<string, Held>, expected: WorkspaceNames][] = [
  ['nothing yet: the plain names', {}, plain],
  ['its own plain workspace', { [plain.container]: labelled(ME) }, plain],
  ['an older, unlabelled workspace: adopted', { [plain.container]: labelled() }, plain],
  ['another installation holds the plain names', { [plain.container]: labelled('ffff00') }, own],
  ['its own names already in use', { [own.container]: labelled(ME) }, own],
  [
    'its own names, beside the other installation’s',
    { [plain.container]: labelled('ffff00'), [own.container]: labelled(ME) },
    own,
  ],
];

describe('the names of a user’s workspace for an installation', () => {
  it.each(cases)('%s', async (_name, held, expected) => {
    const choice = createNameChoice({
      installation: ME,
      held: async (names) => held[names.container],
    });
    expect(await choice.namesOf('7')).toEqual(expected);
  });

  it('plain names everywhere for a driver without an installation', async () => {
    const choice = createNameChoice({ held: async () => labelled('ffff00') });
    expect(await choice.namesOf('7')).toEqual(plain);
  });

  it('keeps a choice once something holds it, and asks again after `forget`', async () => {
    const held: Record<string, Held> = {};
    let asked = 0;
    const choice = createNameChoice({
      installation: ME,
      held: async (names) => {
        asked++;
        return held[names.container];
      },
    });
    expect(await choice.namesOf('7')).toEqual(plain);
    // Nothing held them: the other installation may take them before this one does.
    held[plain.container] = labelled('ffff00');
    expect(await choice.namesOf('7')).toEqual(own);
    const before = asked;
    delete held[plain.container];
    expect(await choice.namesOf('7')).toEqual(own);
    expect(asked).toBe(before);
    choice.forget('7');
    expect(await choice.namesOf('7')).toEqual(plain);
  });

  it('refuses an installation id that cannot be part of a name', () => {
    for (const bad of ['user', 'UPPER', 'a-b', ''])
      expect(() => workspaceNames('7', bad)).toThrow();
  });
});
