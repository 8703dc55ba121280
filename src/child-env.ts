/**
 * The environment a child process (git, sops) gets: an allow-list of what they need, never the bot's own
 * secrets (SLACK_*, KEY_ENCRYPTION_KEY, SYNCRO_KEY_*, DATABASE_URL…). execa-lazy.ts applies it to every spawn,
 * so no caller can forget it.
 *
 * Passed on from the bot's environment:
 * - the basics: PATH, HOME, USER, LOGNAME, SHELL, locale (LANG, LANGUAGE, LC_*), TZ, TMPDIR/TMP/TEMP,
 *   XDG_CONFIG_HOME, XDG_RUNTIME_DIR (where gpg-agent's socket is);
 * - network: HTTP(S)_PROXY, NO_PROXY (either case), SSL_CERT_FILE, SSL_CERT_DIR (git push over https, sops's KMS);
 * - git: GIT_* (GIT_SSH_COMMAND, GIT_CONFIG_GLOBAL…), SSH_AUTH_SOCK (push over ssh with an agent);
 * - sops and its key services: SOPS_* (SOPS_AGE_KEY_FILE…), GNUPGHOME, GPG_TTY, AWS_* (KMS),
 *   GOOGLE_APPLICATION_CREDENTIALS (GCP KMS), AZURE_* (Key Vault), VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE
 *   (HashiCorp Vault transit).
 * Everything else is left out. `extra` (the caller's own variables, e.g. the commit's author) is added on top.
 */

const EXACT = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'XDG_CONFIG_HOME',
  'XDG_RUNTIME_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'SSH_AUTH_SOCK',
  'GNUPGHOME',
  'GPG_TTY',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'VAULT_ADDR',
  'VAULT_TOKEN',
  'VAULT_NAMESPACE',
]);

const PREFIXES = ['LC_', 'GIT_', 'SOPS_', 'AWS_', 'AZURE_'];

/** Whether the variable `name` is passed to child processes. */
export function passedToChildren(name: string): boolean {
  return EXACT.has(name) || PREFIXES.some((p) => name.startsWith(p));
}

/** The allow-listed part of `from` (default the bot's environment), plus `extra`. */
export function childEnv(
  extra: Readonly<Record<string, string | undefined>> = {},
  from: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(from))
    if (value !== undefined && passedToChildren(name)) out[name] = value;
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) out[name] = value;
  return out;
}
