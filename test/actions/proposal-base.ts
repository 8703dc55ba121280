import type { ProposalBase } from '../../src/actions/propose.js';

/** What every proposal in these tests starts from: Howard's own key, a private card. */
export const base: ProposalBase = {
  id: 'a1',
  now: 1_000,
  ttlMs: 60_000,
  requesterSlackId: 'U0HOWARD1',
  signer: {
    slackUserId: 'U0HOWARD1',
    syncroUserId: 1750,
    syncroName: 'Howard Enos',
    keyKind: 'own',
    keySource: 'env:K',
  },
  slack: { channelId: 'C1', ephemeral: true },
};
