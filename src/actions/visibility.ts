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
