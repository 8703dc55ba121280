import { AppError } from '../../errors.js';
import type { SyncroApi } from '../../syncro/api.js';
import { SyncroWriteOutcomeUnknownError } from '../../syncro/errors.js';
import type { ChargedLine, StepBase, StepContext, StepKind } from './step.js';
import { ticketIdOf } from './step.js';
import { readChargedLine } from './timer-entry.js';

/**
 * A line's tax as the labour type configures it: `PUT /tickets/{id}/update_line_item {"ticket_line_item_id",
 * "taxable"}`. Syncro makes the line of a charged timer entry itself, and does not take the tax from the labour
 * product (the reference: "always set taxable explicitly"), so a charge is followed by this step; the line's id
 * comes from the charge's read-back (`{charged_line_id}`), else (that read failed) from the ticket read again now. Sent, then verified: the ticket is read back and the
 * line must show the tax sent. Setting a tax twice is harmless, so a refusal or a mismatch offers Post again.
 */

/** What the body holds until the charge's line is known. */
export const CHARGED_LINE_ID = '{charged_line_id}';

export interface LineTaxStep extends StepBase {
  op: 'update_line_item';
  method: 'PUT';
  body: { ticket_line_item_id: typeof CHARGED_LINE_ID; taxable: boolean };
}

export function lineTaxStep(ticketId: number, taxable: boolean): LineTaxStep {
  return {
    op: 'update_line_item',
    method: 'PUT',
    path: `/tickets/${ticketId}/update_line_item`,
    status: 'pending',
    body: { ticket_line_item_id: CHARGED_LINE_ID, taxable },
  };
}

/** The read-back after the update shows another tax than the one sent: the card says so, Post again sends it again. */
export class LineTaxNotSetError extends AppError {
  readonly code = 'LINE_TAX_NOT_SET';
  constructor(
    readonly lineItemId: number,
    readonly shown: boolean | null,
  ) {
    super(`line item ${lineItemId} reads back taxable=${String(shown)}`);
  }
}

/**
 * The line the charge step made: as its read-back found it, else found on the ticket now (the charge's read-back
 * may have failed after the charge was done). Undefined when that is not clear.
 */
async function chargedLineOfSteps({ api, steps }: StepContext): Promise<ChargedLine | undefined> {
  const charge = steps.find((s) => s.op === 'charge_timer_entry');
  if (charge?.status !== 'succeeded') return undefined;
  const o = charge.outcome;
  const line = o && (o.code === 'done' || o.code === 'found') ? o.line : undefined;
  return line ?? (await readChargedLine(api, steps, charge));
}

/** The line's tax as Syncro shows it now, from a fresh read of the ticket (never a snapshot). */
async function readTax(
  api: SyncroApi,
  ticketId: number,
  lineId: number,
): Promise<{ found: boolean; taxable: boolean | null }> {
  const t = await api.getTicket(ticketId);
  const line = (t.line_items ?? []).find((l) => l.id === lineId);
  return { found: line !== undefined, taxable: line?.taxable ?? null };
}

export const setLineTax: StepKind<LineTaxStep> = {
  op: 'update_line_item',
  putsMoneyOnTicket: true,
  // Nothing to name the line by: not sent (the card says to set the tax in Syncro).
  async refuseBeforeSend(ctx) {
    return (await chargedLineOfSteps(ctx)) ? undefined : { code: 'CHARGED_LINE_UNKNOWN' };
  },
  async send(ctx, step) {
    const { api } = ctx;
    const line = await chargedLineOfSteps(ctx);
    if (!line) throw new Error('the charged line is not known: the charge step has not found it');
    const ticketId = ticketIdOf(step);
    await api.updateLineItem(ticketId, { ticket_line_item_id: line.id, taxable: step.body.taxable });
    // Verified from the ticket as Syncro now shows it, not from the answer to the update. The update is sent:
    // a read that fails now leaves its outcome unknown (never "refused"), for `check` to read back.
    const shown = await readTax(api, ticketId, line.id).catch((cause: unknown) => {
      throw new SyncroWriteOutcomeUnknownError(`PUT ${step.path}`, 'read_back_failed', {
        cause,
        detail: 'the ticket could not be read after the update',
      });
    });
    if (shown.taxable !== step.body.taxable) throw new LineTaxNotSetError(line.id, shown.taxable);
    return { resultId: line.id, outcome: { code: 'done', line: { ...line, taxable: shown.taxable } } };
  },
  readBack: 'state',
  async check(ctx, step) {
    const { api } = ctx;
    const line = await chargedLineOfSteps(ctx);
    if (!line) throw new Error('the charged line is not known: cannot tell whether its tax was set');
    const shown = await readTax(api, ticketIdOf(step), line.id);
    if (!shown.found) throw new Error(`line item ${line.id} is not on the ticket any more`);
    return shown.taxable === step.body.taxable
      ? {
          found: true,
          resultId: line.id,
          outcome: { code: 'found', what: 'line_item', line: { ...line, taxable: shown.taxable } },
        }
      : {
          found: false,
          outcome: { code: 'unchanged', fields: [{ field: 'taxable', value: String(shown.taxable) }] },
        };
  },
};
