import { doctorAdmins } from '../../doctor/targets.js';
import type { BotContext, ReplyTarget } from '../context.js';
import { doctorRefusalView, doctorView, doctorWaitView } from '../views/doctor.js';

/**
 * `/syncro doctor`: for the configuration's admins (billing and enrolment approvers) only, since it names every
 * key's source and owner. Says it is checking, then replies with the checklist (both private).
 */
export async function showDoctor(ctx: BotContext, to: ReplyTarget): Promise<void> {
  if (!doctorAdmins(ctx.file).includes(to.userId) || !ctx.doctor) {
    await ctx.reply(to, { ...doctorRefusalView(), response_type: 'ephemeral' });
    return;
  }
  await ctx.reply(to, { ...doctorWaitView(), response_type: 'ephemeral' });
  const report = await ctx.doctor();
  await ctx.reply(to, { ...doctorView(report), response_type: 'ephemeral' });
}
