/**
 * Who sees a comment. Syncro expresses it with two flags on POST /tickets/{id}/comment; people think of it as
 * one of three choices, so the bot asks for the choice and sends the flags.
 */
export const VISIBILITIES = ['email_reply', 'public_note', 'private_note'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export interface VisibilityFlags {
  hidden: boolean;
  do_not_email: boolean;
}

const FLAGS: Record<Visibility, VisibilityFlags> = {
  /** The customer can see it and is emailed. */
  email_reply: { hidden: false, do_not_email: false },
  /** The customer can see it in the portal, but no email is sent. */
  public_note: { hidden: false, do_not_email: true },
  /** Technicians only; never emailed. */
  private_note: { hidden: true, do_not_email: true },
};

/** Short labels for selects and radio buttons. */
export const VISIBILITY_LABELS: Record<Visibility, string> = {
  email_reply: 'Email the customer',
  public_note: 'Public note (no email)',
  private_note: 'Private note (technicians only)',
};

/** One line saying what happens, for the card. */
export const VISIBILITY_DESCRIPTIONS: Record<Visibility, string> = {
  email_reply: 'visible to the customer, who is emailed',
  public_note: 'visible to the customer, no email is sent',
  private_note: 'technicians only, no email is sent',
};

export function visibilityFlags(v: Visibility): VisibilityFlags {
  return { ...FLAGS[v] };
}

/** The choice a pair of flags stands for. A hidden comment is private whatever `do_not_email` says. */
export function visibilityFromFlags(flags: {
  hidden?: boolean | null;
  do_not_email?: boolean | null;
}): Visibility {
  if (flags.hidden) return 'private_note';
  return flags.do_not_email ? 'public_note' : 'email_reply';
}

export function isVisibility(s: unknown): s is Visibility {
  return typeof s === 'string' && (VISIBILITIES as readonly string[]).includes(s);
}
