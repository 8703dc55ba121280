import type { IncomingMessage } from 'node:http';

/**
 * Who may use the playground's page: it lets whoever reaches it act as anyone, so it answers only to requests made
 * for its own address. DNS rebinding (a web site whose name is made to resolve to 127.0.0.1) reaches the port with
 * `Host: evil.example`; a foreign page that calls the port directly says so in `Origin`. Both are refused.
 *
 * - HOST unset (the playground listens on 127.0.0.1): `Host` must be a loopback name (127.0.0.1, localhost,
 *   [::1]) with the port the request came in on.
 * - HOST set to an address: that address is accepted too.
 * - HOST set to every interface (0.0.0.0, ::): any name is accepted (whoever set it chose to open the page).
 * - HOST set on purpose: the name alone is compared, not the port (behind `docker run -p 8080:3000` the browser
 *   says `:8080` while the socket listens on 3000).
 *
 * An `Origin`, when the browser sends one, must be http:// with an accepted `Host` (a page of the playground); with
 * HOST set, it must be the very `Host` the request names (name and port).
 */

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export type RequestCheck = (req: Pick<IncomingMessage, 'headers' | 'socket'>) => boolean;

export function playgroundHostCheck(host: string | undefined): RequestCheck {
  const anyName = host === '0.0.0.0' || host === '::';
  // Set on purpose, HOST may sit behind a port mapping: the socket's port says nothing of the browser's.
  const portMatters = !host;
  const names = new Set(LOOPBACK_NAMES);
  if (host && !anyName) names.add(host.includes(':') ? `[${host.toLowerCase()}]` : host.toLowerCase());
  const accepted = (hostHeader: string | undefined, port: number | undefined): boolean => {
    if (!hostHeader || port === undefined) return false;
    const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/i.exec(hostHeader.trim().toLowerCase());
    if (!m) return false;
    if (portMatters && (m[2] === undefined ? 80 : Number(m[2])) !== port) return false;
    return anyName || names.has(m[1]!.replace(/\.$/, ''));
  };
  return (req) => {
    const port = req.socket.localPort;
    const hostHeader = req.headers.host;
    if (!accepted(hostHeader, port)) return false;
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    let o: URL;
    try {
      o = new URL(origin);
    } catch {
      return false; // "null" (a sandboxed frame, a file) or garbage
    }
    return (
      o.protocol === 'http:' &&
      accepted(o.host, port) &&
      (portMatters || o.host === hostHeader?.trim().toLowerCase())
    );
  };
}
