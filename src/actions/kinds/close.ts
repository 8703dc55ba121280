import type { TicketRef } from '../types.js';
import { isVisibility as isVisibilityValue, type Visibility } from '../visibility.js';
import type { ActionKindDef } from './action.js';
import { commentStep, visibilityOptions } from './comment.js';
import type { WriteStep } from './registry.js';
import { statusStep } from './status-change.js';

/** Closing a ticket: an optional resolution comment, then the configured close status. */
export interface CloseDraft {
  kind: 'close_ticket';
  ticket: TicketRef & { status: string };
  closeStatus: string;
  resolution?: { subject: string; body: string; visibility: Visibility };
}

export const close: ActionKindDef<CloseDraft> = {
  kind: 'close_ticket',
  build: (d) => {
    const steps: WriteStep[] = [];
    if (d.resolution) steps.push(commentStep(d.ticket.id, d.resolution));
    steps.push(statusStep(d.ticket.id, d.closeStatus));
    return {
      ticket: d.ticket,
      summary: {
        editable: d.resolution
          ? [{ field: 'visibility', options: visibilityOptions, selected: d.resolution.visibility }]
          : [],
      },
      steps,
    };
  },
  edit: (d, field, value) =>
    field === 'visibility' && d.resolution && isVisibilityValue(value)
      ? { ...d, resolution: { ...d.resolution, visibility: value } }
      : undefined,
};
