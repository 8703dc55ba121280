/**
 * The identifiers of the one workspace the fake Slack (tests and playground) pretends to be, and the generators
 * of Slack-shaped message timestamps and view ids.
 */

export const TEAM_ID = 'T1';
export const TEAM_DOMAIN = 'msp-test';
export const BOT_USER_ID = 'UBOT';
export const BOT_ID = 'BBOT';
export const APP_ID = 'A0SYNCRO01';
export const VERIFICATION_TOKEN = 'fake-verification-token';

/** Message timestamps as Slack writes them (`seconds.micros`), strictly increasing. */
export function tsGenerator(): () => string {
  let n = 0;
  return () => {
    n += 1;
    const sec = 1_700_000_000 + Math.floor(n / 10_000);
    const micro = (n % 10_000) * 100;
    return `${sec}.${String(micro).padStart(6, '0')}`;
  };
}

/** View ids as Slack writes them (`V` + 10 characters). */
export function viewIdGenerator(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `V${String(n).padStart(10, '0')}`;
  };
}

/** A DM channel id for a user id (Slack answers `D…` when a message is posted to `U…`). */
export function dmFor(channel: string): string {
  return /^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel;
}
