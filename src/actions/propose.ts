import type { EditableField } from '../slack/action-ids.js';
import type { AddLineItemBody, CommentBody, CreateInvoiceBody, CreateTicketBody } from '../syncro/api.js';
import type { BillingComputation } from './billing-types.js';
import type {
  ActionSummary,
  PendingAction,
  Signer,
  SlackCoordinates,
  TicketRef,
  WriteStep,
} from './types.js';
import { VISIBILITIES, VISIBILITY_LABELS, type Visibility, visibilityFlags } from './visibility.js';

/**
 * Pure builders: a request from a person becomes a proposed PendingAction whose steps hold the exact requests.
 * Nothing here sends anything.
 */

export interface ProposalBase {
  id: string;
  now: number;
  ttlMs: number;
  requesterSlackId: string;
  signer: Signer;
  slack: SlackCoordinates;
}

function base(
  p: ProposalBase,
  kind: PendingAction['kind'],
  summary: ActionSummary,
  steps: WriteStep[],
  ticket?: TicketRef,
): PendingAction {
  const warnings = [...(summary.warnings ?? [])];
  if (p.signer.keyKind === 'shared') {
    warnings.unshift(
      `You have no Syncro key of your own: this will be written with the shared key and carry ${p.signer.syncroName}'s name, not yours.`,
    );
  }
  return {
    id: p.id,
    kind,
    state: 'proposed',
    attempt: 0,
    requesterSlackId: p.requesterSlackId,
    signer: p.signer,
    ticket,
    summary: { ...summary, warnings },
    steps,
    slack: p.slack,
    createdAt: p.now,
    updatedAt: p.now,
    expiresAt: p.now + p.ttlMs,
  };
}

function step(
  op: WriteStep['op'],
  method: WriteStep['method'],
  path: string,
  label: string,
  body?: object,
): WriteStep {
  return {
    op,
    method,
    path,
    label,
    status: 'pending',
    ...(body ? { body: body as Record<string, unknown> } : {}),
  };
}

export function commentBody(subject: string, body: string, visibility: Visibility): CommentBody {
  // Posted flat: a wrapped {"comment": {...}} body is refused by Syncro ("Body can't be blank").
  return { subject, body, ...visibilityFlags(visibility) };
}

const visibilityOptions = VISIBILITIES.map((v) => ({ value: v, text: VISIBILITY_LABELS[v] }));
function ticketLine(t: TicketRef): string {
  return `#${t.number} · ${t.subject}`;
}

export interface CommentProposal extends ProposalBase {
  ticket: TicketRef;
  subject: string;
  body: string;
  visibility: Visibility;
}

export function proposeComment(p: CommentProposal): PendingAction {
  return base(
    p,
    'comment',
    {
      title: `Comment on #${p.ticket.number}`,
      fields: [
        { label: 'Ticket', value: ticketLine(p.ticket) },
        ...(p.ticket.customerName ? [{ label: 'Customer', value: p.ticket.customerName }] : []),
        { label: 'Subject', value: p.subject },
        { label: 'Visibility', value: VISIBILITY_LABELS[p.visibility] },
      ],
      editable: [
        { field: 'visibility', label: 'Visibility', options: visibilityOptions, selected: p.visibility },
      ],
    },
    [
      step(
        'add_comment',
        'POST',
        `/tickets/${p.ticket.id}/comment`,
        'Post comment',
        commentBody(p.subject, p.body, p.visibility),
      ),
    ],
    p.ticket,
  );
}

export interface CreateTicketProposal extends ProposalBase {
  customer: { id: number; name: string };
  subject: string;
  priority: string;
  priorities: string[];
  status: string;
  assignee: { id: number; name: string };
  assignees: Array<{ id: number; name: string }>;
  problemType?: string;
  /** Configured problem types (tickets.problem_types); when any, the card offers them. */
  problemTypes?: string[];
}

/** The problem-type select's value for "none" (the field is then left out of the payload). */
export const NO_PROBLEM_TYPE = '__none__';

export function proposeCreateTicket(p: CreateTicketProposal): PendingAction {
  const body: CreateTicketBody = {
    customer_id: p.customer.id,
    subject: p.subject,
    status: p.status,
    priority: p.priority,
    user_id: p.assignee.id,
    ...(p.problemType ? { problem_type: p.problemType } : {}),
  };
  const assignees = p.assignees.some((u) => u.id === p.assignee.id)
    ? p.assignees
    : [p.assignee, ...p.assignees];
  return base(
    p,
    'create_ticket',
    {
      title: `New ticket for ${p.customer.name}`,
      fields: [
        { label: 'Customer', value: `${p.customer.name} (id ${p.customer.id})` },
        { label: 'Subject', value: p.subject },
        { label: 'Priority', value: p.priority },
        { label: 'Assigned to', value: p.assignee.name },
        ...(p.problemType || p.problemTypes?.length
          ? [{ label: 'Problem type', value: p.problemType ?? '(none)' }]
          : []),
        { label: 'Contact', value: '(none)' },
      ],
      editable: [
        {
          field: 'priority',
          label: 'Priority',
          options: p.priorities.map((x) => ({ value: x, text: x })),
          selected: p.priority,
        },
        {
          field: 'assignee',
          label: 'Assignee',
          options: assignees.slice(0, 100).map((u) => ({ value: String(u.id), text: u.name })),
          selected: String(p.assignee.id),
        },
        ...(p.problemTypes?.length
          ? [
              {
                field: 'problem_type' as const,
                label: 'Problem type',
                options: [
                  { value: NO_PROBLEM_TYPE, text: '(none)' },
                  ...p.problemTypes.slice(0, 99).map((x) => ({ value: x, text: x })),
                ],
                selected: p.problemType ?? NO_PROBLEM_TYPE,
              },
            ]
          : []),
      ],
    },
    [step('create_ticket', 'POST', '/tickets', 'Create ticket', body)],
  );
}

export interface UpdateStatusProposal extends ProposalBase {
  ticket: TicketRef & { status: string };
  status: string;
  statuses: string[];
}

export function proposeUpdateStatus(p: UpdateStatusProposal): PendingAction {
  return base(
    p,
    'update_ticket',
    {
      title: `Update #${p.ticket.number}`,
      fields: [
        { label: 'Ticket', value: ticketLine(p.ticket) },
        { label: 'Status', value: `${p.ticket.status} → ${p.status}` },
      ],
      editable: [
        {
          field: 'status',
          label: 'Status',
          options: p.statuses.map((s) => ({ value: s, text: s })),
          selected: p.status,
        },
      ],
    },
    [step('update_ticket', 'PUT', `/tickets/${p.ticket.id}`, 'Update status', { status: p.status })],
    p.ticket,
  );
}

export interface CloseProposal extends ProposalBase {
  ticket: TicketRef & { status: string };
  closeStatus: string;
  resolution?: { subject: string; body: string; visibility: Visibility };
}

export function proposeClose(p: CloseProposal): PendingAction {
  const steps: WriteStep[] = [];
  if (p.resolution) {
    steps.push(
      step(
        'add_comment',
        'POST',
        `/tickets/${p.ticket.id}/comment`,
        'Post resolution comment',
        commentBody(p.resolution.subject, p.resolution.body, p.resolution.visibility),
      ),
    );
  }
  steps.push(
    step('update_ticket', 'PUT', `/tickets/${p.ticket.id}`, `Set status ${p.closeStatus}`, {
      status: p.closeStatus,
    }),
  );
  return base(
    p,
    'close_ticket',
    {
      title: `Close #${p.ticket.number}`,
      fields: [
        { label: 'Ticket', value: ticketLine(p.ticket) },
        { label: 'Status', value: `${p.ticket.status} → ${p.closeStatus}` },
        {
          label: 'Resolution comment',
          value: p.resolution
            ? `${p.resolution.subject} (${VISIBILITY_LABELS[p.resolution.visibility]})`
            : '(none)',
        },
      ],
      editable: p.resolution
        ? [
            {
              field: 'visibility',
              label: 'Comment visibility',
              options: visibilityOptions,
              selected: p.resolution.visibility,
            },
          ]
        : [],
    },
    steps,
    p.ticket,
  );
}

export interface BillProposal extends ProposalBase {
  ticket: TicketRef & { customerId: number };
  billing: BillingComputation;
  comment: { subject: string; body: string; visibility: Visibility };
  invoiceCategory: string;
  invoicedStatus: string;
  approval: { approvers: string[]; requesterMayPost: boolean; requireSecondPerson: boolean };
}

export function proposeBill(p: BillProposal): PendingAction {
  const b = p.billing;
  const invoice: CreateInvoiceBody = {
    ticket_id: p.ticket.id,
    customer_id: p.ticket.customerId,
    category: p.invoiceCategory,
  };
  const line: AddLineItemBody = b.lineItem;
  return base(
    p,
    'bill',
    {
      title: `Bill #${p.ticket.number}: ${b.minutes} min ${b.laborLabel}`,
      fields: [
        { label: 'Ticket', value: ticketLine(p.ticket) },
        { label: 'Customer', value: p.ticket.customerName ?? `id ${p.ticket.customerId}` },
        { label: 'Technician', value: p.signer.syncroName },
        { label: 'Labour', value: `${b.minutes} min · ${b.productName}` },
        { label: 'Comment', value: `${p.comment.subject} (${VISIBILITY_LABELS[p.comment.visibility]})` },
      ],
      billing: b,
      approval: p.approval,
    },
    [
      step(
        'add_comment',
        'POST',
        `/tickets/${p.ticket.id}/comment`,
        'Post comment',
        commentBody(p.comment.subject, p.comment.body, p.comment.visibility),
      ),
      step('add_line_item', 'POST', `/tickets/${p.ticket.id}/add_line_item`, 'Add line item', line),
      step('create_invoice', 'POST', '/invoices', 'Create invoice', invoice),
      step('verify_invoice', 'GET', '/invoices/{invoice_id}', 'Check the invoice holds the line'),
      step('update_ticket', 'PUT', `/tickets/${p.ticket.id}`, `Set status ${p.invoicedStatus}`, {
        status: p.invoicedStatus,
      }),
    ],
    p.ticket,
  );
}

/**
 * Applies a change the requester made on a proposed card and returns the new steps and summary, so that the
 * payload shown is always the payload that will be sent.
 */
export function applyEdit(a: PendingAction, field: EditableField, value: string): PendingAction | undefined {
  const editable = a.summary.editable?.find((e) => e.field === field);
  if (!editable?.options.some((o) => o.value === value)) return undefined;
  const text = editable.options.find((o) => o.value === value)!.text;
  const steps = a.steps.map((s) => ({ ...s, body: s.body ? { ...s.body } : undefined }));
  const setField = (label: string, v: string) =>
    a.summary.fields.map((f) => (f.label === label ? { ...f, value: v } : f));
  let fields = a.summary.fields;
  switch (field) {
    case 'priority': {
      const s = steps.find((x) => x.op === 'create_ticket');
      if (!s?.body) return undefined;
      s.body.priority = value;
      fields = setField('Priority', value);
      break;
    }
    case 'assignee': {
      const s = steps.find((x) => x.op === 'create_ticket');
      if (!s?.body) return undefined;
      s.body.user_id = Number(value);
      fields = setField('Assigned to', text);
      break;
    }
    case 'status': {
      const s = steps.find((x) => x.op === 'update_ticket');
      if (!s?.body) return undefined;
      s.body.status = value;
      const before = a.summary.fields.find((f) => f.label === 'Status')?.value.split(' → ')[0] ?? '';
      fields = setField('Status', `${before} → ${value}`);
      break;
    }
    case 'visibility': {
      const s = steps.find((x) => x.op === 'add_comment');
      if (!s?.body) return undefined;
      Object.assign(s.body, visibilityFlags(value as Visibility));
      fields = a.summary.fields.map((f) =>
        f.label === 'Visibility'
          ? { ...f, value: text }
          : f.label === 'Resolution comment' || f.label === 'Comment'
            ? { ...f, value: f.value.replace(/\(([^)]*)\)$/, `(${text})`) }
            : f,
      );
      break;
    }
    case 'problem_type': {
      const s = steps.find((x) => x.op === 'create_ticket');
      if (!s?.body) return undefined;
      if (value === NO_PROBLEM_TYPE) delete s.body.problem_type;
      else s.body.problem_type = value;
      fields = setField('Problem type', text);
      break;
    }
    case 'labor':
      return undefined;
  }
  return {
    ...a,
    steps: steps.map((s) => (s.body === undefined ? (({ body: _b, ...rest }) => rest)(s) : s)),
    summary: {
      ...a.summary,
      fields,
      editable: a.summary.editable?.map((e) => (e.field === field ? { ...e, selected: value } : e)),
    },
  };
}
