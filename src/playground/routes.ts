import type { ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { RequestCheck } from './host-check.js';
import { BadRequest, type PageApi } from './page-api.js';
import type { PageFile } from './page-files.js';
import { isObject, readBody, sendJson } from './slack/http.js';

/**
 * The playground's HTTP routes on the bot's own server: the page (`/`), its files (`/playground/assets/…`), its
 * state and operations (`/playground/api/…`) and a server-sent event stream that says when to re-read.
 * Same-origin only: an operation must come from the page itself (a JSON POST with the page's header), and every
 * route answers only to requests for the playground's own address (`allow`, host-check.ts: no DNS rebinding).
 */

export interface PageRoutes {
  routes: CustomRoute[];
  /** Ends the event streams (so that the server can close). */
  close(): void;
}

const NO_STORE = { 'cache-control': 'no-store' };

export function pageRoutes(api: PageApi, files: Map<string, PageFile>, allow: RequestCheck): PageRoutes {
  const streams = new Set<ServerResponse>();
  const sendFile = (res: ServerResponse, name: string) => {
    const f = files.get(name);
    if (!f) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    res.writeHead(200, {
      'content-type': f.contentType,
      'content-length': String(f.body.length),
      ...NO_STORE,
    });
    res.end(f.body);
  };
  const unsubscribe = api.onChange(() => {
    for (const res of streams) res.write('data: changed\n\n');
  });

  const routes: CustomRoute[] = [
    { path: '/', method: ['GET'], handler: (_req, res) => sendFile(res, 'index.html') },
    {
      path: '/playground/assets/:file',
      method: ['GET'],
      handler: (req, res) => sendFile(res, String(req.params?.file ?? '')),
    },
    {
      path: '/playground/api/state',
      method: ['GET'],
      handler: (req, res) => {
        const user = new URL(req.url ?? '/', 'http://playground').searchParams.get('user') ?? '';
        try {
          sendJson(res, 200, api.state(user), NO_STORE);
        } catch (err) {
          sendJson(res, 400, { error: (err as Error).message });
        }
      },
    },
    {
      path: '/playground/api/:op',
      method: ['POST'],
      handler: (req, res) => {
        void (async () => {
          // A cross-site form cannot set this header, so another web site cannot act as someone here.
          if (
            req.headers['x-playground'] !== '1' ||
            !req.headers['content-type']?.includes('application/json')
          ) {
            sendJson(res, 403, { error: 'the playground page only' });
            return;
          }
          try {
            const raw = await readBody(req);
            const body: unknown = raw ? JSON.parse(raw) : {};
            const result = await api.run(String(req.params?.op ?? ''), isObject(body) ? body : {});
            sendJson(res, 200, { ok: true, result: result ?? null });
          } catch (err) {
            const status = err instanceof BadRequest || err instanceof SyntaxError ? 400 : 502;
            sendJson(res, status, { ok: false, error: (err as Error).message });
          }
        })();
      },
    },
    {
      path: '/playground/events',
      method: ['GET'],
      handler: (req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream', ...NO_STORE, connection: 'keep-alive' });
        res.write('retry: 1000\ndata: hello\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
      },
    },
  ];
  return {
    // Checked before anything is read or done: a refused request changes nothing and learns nothing.
    routes: routes.map((r) => ({
      ...r,
      handler: (req, res) => {
        if (allow(req)) r.handler(req, res);
        else
          sendJson(res, 403, {
            error:
              'the playground answers only at its own address (http://127.0.0.1, localhost or [::1] with its port, or the HOST it was started with)',
          });
      },
    })),
    close() {
      unsubscribe();
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}
