import type { SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { createConnectAttempts } from '../../identity/enrolment/connect-attempts.js';
import { SyncroUnauthorizedError } from '../../syncro/errors.js';
import { actingFor } from '../../syncro/priority.js';
import type { Me } from '../../syncro/schemas.js';
import { ACTION, VIEW } from '../action-ids.js';
import type { BotContext } from '../context.js';
import { decideApproval, openConnectModal, postApprovalCard } from '../handlers/connect.js';
import { guard } from '../handlers/dispatch.js';
import type { ListenerApp } from '../listener-router.js';
import {
  BAD_TOKEN_WORDS,
  type ConnectOutcome,
  connectOutcomeView,
  refusalWords,
  TOKEN_SHAPE_WORDS,
  tooManyAttemptsWords,
} from '../views/connect.js';
import { MODAL_ACTION, MODAL_BLOCK } from '../views/modal-ids.js';
import { type ActionArgs, actionValue, targetOf } from './shared.js';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction>;

/** Printable ASCII without spaces; Syncro's tokens are well inside. */
const TOKEN_SHAPE = /^[\x21-\x7e]{12,200}$/;

/** How long the submission waits for GET /me before acknowledging (Slack allows 3 s for the ack). */
export const ME_BUDGET_MS = 2_000;

/**
 * The connect modal's submission. The token lives in this function's variables only: it is checked with GET /me
 * (a refused or misfit key is an error under the input, nothing kept), then handed to the enrolment's storage.
 * It is never put in a view, private_metadata, a log line, an error or a message.
 */
export function registerConnect(app: ListenerApp, ctx: BotContext): void {
  app.action(ACTION.connectOpen, async ({ ack, body }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, () => openConnectModal(ctx, body.trigger_id, to));
  });
  app.action(ACTION.connectApprove, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, () => decideApproval(ctx, to, actionValue(action), 'approve'));
  });
  app.action(ACTION.connectReject, async ({ ack, body, action }: ActionArgs) => {
    await ack();
    const to = targetOf(ctx, body);
    await guard(ctx, to, () => decideApproval(ctx, to, actionValue(action), 'reject'));
  });

  // Per person: at most 5 keys tried in 10 minutes (each one asks Syncro's GET /me).
  const attempts = createConnectAttempts();

  app.view(VIEW.connect, async ({ ack, body, view }: ViewArgs) => {
    const enrolments = ctx.enrolments;
    const userId = body.user.id;
    const log = ctx.logger.child({ component: 'connect', user: userId });
    const token = (view.state.values[MODAL_BLOCK.token]?.[MODAL_ACTION.token]?.value ?? '').trim();
    if (!enrolments) {
      await ack();
      return;
    }
    const inputError = (text: string) =>
      ack({ response_action: 'errors', errors: { [MODAL_BLOCK.token]: text } });
    if (!TOKEN_SHAPE.test(token)) {
      await inputError(TOKEN_SHAPE_WORDS);
      return;
    }
    const verdict = attempts.attempt(userId, ctx.now());
    if (!verdict.allowed) {
      log.info({ retryInMs: verdict.retryInMs }, 'too many connect attempts; this one was not checked');
      await inputError(tooManyAttemptsWords(verdict));
      return;
    }

    type Checked = { ok: true; me: Me } | { ok: false; err: unknown };
    // The check counts against this person's share of the rate limit, as their commands do.
    const checking: Promise<Checked> = actingFor(ctx.client.as(token), userId)
      .me()
      .then(
        (me) => ({ ok: true, me }) as const,
        (err: unknown) => ({ ok: false, err }) as const,
      );
    let budget: NodeJS.Timeout | undefined;
    const early = await Promise.race([
      checking,
      new Promise<undefined>((resolve) => {
        budget = setTimeout(() => resolve(undefined), ME_BUDGET_MS);
      }),
    ]);
    clearTimeout(budget);

    const viewId = view.id;
    const show = (o: ConnectOutcome) =>
      ctx.web.views.update({ view_id: viewId, view: connectOutcomeView(o) }).catch((err: unknown) => {
        log.warn({ err }, 'could not update the connect modal');
      });
    // Within the budget, problems are errors under the input (the person's text stays); later, the modal says so.
    let acked = false;
    const refuse = async (text: string) => {
      if (!acked) await inputError(text);
      else await show({ kind: 'failed', problem: text });
    };
    if (!early) {
      await ack({ response_action: 'update', view: connectOutcomeView({ kind: 'checking' }) });
      acked = true;
    }
    const checked = early ?? (await checking);
    if (!checked.ok) {
      log.info(
        { errCode: (checked.err as { code?: unknown })?.code },
        'a pasted Syncro key was not accepted',
      );
      await refuse(
        checked.err instanceof SyncroUnauthorizedError ? BAD_TOKEN_WORDS : ctx.describeError(checked.err),
      );
      return;
    }
    const me = checked.me;
    const refusal = await enrolments.check(userId, me).catch(() => undefined);
    if (refusal) {
      log.info({ syncroUserId: me.user_id, refusal: refusal.code }, 'a pasted Syncro key was refused');
      await refuse(refusalWords(refusal));
      return;
    }
    const keyOwner = {
      slackUserId: userId,
      syncroUserId: me.user_id,
      syncroName: me.user_name,
      syncroEmail: me.user_email ?? undefined,
      subdomain: me.subdomain ?? undefined,
    };
    const owner = { name: me.user_name, syncroUserId: me.user_id };
    const saving: ConnectOutcome = { kind: 'saving', owner, where: enrolments.where(keyOwner) };
    if (!acked) {
      await ack({ response_action: 'update', view: connectOutcomeView(saving) });
      acked = true;
    } else await show(saving);

    let result: Awaited<ReturnType<typeof enrolments.connect>>;
    try {
      result = await enrolments.connect(keyOwner, token);
    } catch (err) {
      log.warn({ err }, 'a connected Syncro key could not be kept');
      await show({ kind: 'failed', problem: ctx.describeError(err) });
      return;
    }
    if (!result.ok) {
      await show({ kind: 'failed', problem: refusalWords(result.refusal) });
      return;
    }
    const e = result.enrolment;
    const channel = enrolments.config.approval_channel;
    if (e.state === 'pending' && channel) {
      await show({
        kind: 'pending',
        owner,
        where: result.where,
        approvalChannel: channel,
        ...(result.note ? { note: result.note } : {}),
      });
      await postApprovalCard(ctx, e).catch((err: unknown) => log.error({ err }, 'approval card not posted'));
      return;
    }
    await show({
      kind: 'connected',
      owner,
      where: result.where,
      ...(result.note ? { note: result.note } : {}),
    });
  });
}
