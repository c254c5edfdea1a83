import { resolve } from 'node:path';
import type { CommandName } from './arguments.js';
import type { Handler } from './context.js';

export const imageCommands = {
  async 'image build'(ctx) {
    const { builder, image } = await ctx.images();
    await builder.rebuild(image, ctx.progress);
    if (ctx.flags.json) return ctx.out.json({ image, built: true });
    ctx.out.line(`${image} built`);
  },
  async 'image context'(ctx, { dir = '.' }) {
    const target = resolve(dir);
    const { tarballs, version } = await ctx.stageImageContext(target, ctx.progress);
    if (ctx.flags.json) return ctx.out.json({ dir: target, vendor: tarballs, version });
    ctx.out.line(`${target}: image version ${version}; in vendor/ ${tarballs.join(', ')}`);
  },
} satisfies Partial<Record<CommandName, Handler>>;
