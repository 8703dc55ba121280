import type { Visibility } from '../../actions/visibility.js';

/** Who sees a comment, in words for selects and radio buttons (src/actions/visibility.ts holds the flags). */
export const VISIBILITY_LABELS: Record<Visibility, string> = {
  email_reply: 'Email the customer',
  public_note: 'Public note (no email)',
  private_note: 'Private note (technicians only)',
};
