import { configAdmins } from '../../config-hints.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { doctorBusyView, doctorRefusalView, doctorView, doctorWaitView } from '../views/doctor.js';

/**
 * `/syncro doctor`: for the configuration's admins (billing and enrolment approvers) only, since it names every
 * key's source and owner. Says it is checking, then replies with the checklist (both private).
 */
export async function showDoctor(ctx: BotContext, to: ReplyTarget): Promise<void> {
  if (!configAdmins(ctx.file).includes(to.userId) || !ctx.doctor) {
    await ctx.reply(to, { ...doctorRefusalView(), response_type: 'ephemeral' });
    return;
  }
  // One run at a time (per bot process): each run may spend up to its request cap.
  if (running.has(ctx)) {
    await ctx.reply(to, { ...doctorBusyView(), response_type: 'ephemeral' });
    return;
  }
  running.add(ctx);
  try {
    await ctx.reply(to, { ...doctorWaitView(), response_type: 'ephemeral' });
    const report = await ctx.doctor();
    await ctx.reply(to, { ...doctorView(report), response_type: 'ephemeral' });
  } finally {
    running.delete(ctx);
  }
}

/** The bots whose doctor is running now. */
const running = new WeakSet<BotContext>();
