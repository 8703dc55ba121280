import type { TicketRef } from '../types.js';
import { isVisibility as isVisibilityValue, VISIBILITY_LABELS, type Visibility } from '../visibility.js';
import { type ActionKindDef, ticketLine } from './action.js';
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
        title: `Close #${d.ticket.number}`,
        fields: [
          { label: 'Ticket', value: ticketLine(d.ticket) },
          { label: 'Status', value: `${d.ticket.status} → ${d.closeStatus}` },
          {
            label: 'Resolution comment',
            value: d.resolution
              ? `${d.resolution.subject} (${VISIBILITY_LABELS[d.resolution.visibility]})`
              : '(none)',
          },
        ],
        editable: d.resolution
          ? [
              {
                field: 'visibility',
                label: 'Comment visibility',
                options: visibilityOptions,
                selected: d.resolution.visibility,
              },
            ]
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
