import type {
  ActionSummary,
  EditableField,
  PendingAction,
  Signer,
  SlackCoordinates,
  TicketRef,
} from '../types.js';
import type { WriteStep } from './registry.js';

/**
 * A kind of action: a typed draft (what the person asked for, with the choices the card offers), how it becomes
 * the steps (the exact requests) and the summary, and how an edit on the card changes it. The draft is stored on
 * the row, so an edit rebuilds the proposal from the changed draft.
 */
export interface ActionKindDef<D extends { kind: string }> {
  readonly kind: D['kind'];
  build(draft: D): { steps: WriteStep[]; summary: ActionSummary; ticket?: TicketRef };
  /** The draft with `field` set to `value`, or undefined when the card does not offer that value. */
  edit?(draft: D, field: EditableField, value: string): D | undefined;
}

export interface ProposalBase {
  id: string;
  now: number;
  ttlMs: number;
  requesterSlackId: string;
  signer: Signer;
  slack: SlackCoordinates;
}

export type Option = { value: string; name?: string };

/** The new PendingAction for a draft of kind `def`. */
export function proposeWith<D extends { kind: PendingAction['kind'] }>(
  def: ActionKindDef<D>,
  p: ProposalBase,
  draft: D,
): Omit<PendingAction, 'draft'> & { draft: D } {
  const built = def.build(draft);
  return {
    id: p.id,
    kind: draft.kind,
    state: 'proposed',
    attempt: 0,
    requesterSlackId: p.requesterSlackId,
    signer: p.signer,
    ...(built.ticket ? { ticket: built.ticket } : {}),
    draft,
    summary: built.summary,
    steps: built.steps,
    slack: p.slack,
    createdAt: p.now,
    updatedAt: p.now,
    expiresAt: p.now + p.ttlMs,
  };
}
