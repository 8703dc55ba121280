/** The page's calls to the playground (same origin) and its change stream. */

export async function getState(user) {
  const res = await fetch(`/playground/api/state?user=${encodeURIComponent(user)}`);
  if (!res.ok) throw new Error(`state: HTTP ${res.status}`);
  return res.json();
}

export async function run(op, body) {
  const res = await fetch(`/playground/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-playground': '1' },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }));
  if (!json.ok) throw new Error(json.error ?? `HTTP ${res.status}`);
  return json.result;
}

/**
 * Calls `onChange` whenever the playground says something changed (server-sent events). Changes made while the
 * stream was not connected are caught up on every (re)connection. Resolves once connected.
 */
export function listen(onChange) {
  const source = new EventSource('/playground/events');
  source.onmessage = () => onChange();
  return new Promise((resolve) => {
    source.onopen = () => {
      onChange();
      resolve(() => source.close());
    };
  });
}
