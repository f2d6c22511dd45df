// features: default
// A JavaScript actor built with componentize-js with its default features, as a new user builds one:
// console.log through wasi:cli stdout and `fetch` through wasi:http/outgoing-handler. The init state
// is `{"url": "…"}` (the manifest's init_state; the test starts a loopback server); the actor POSTs a
// body with a header and answers what came back.
const enc = (s) => new TextEncoder().encode(s);

export const actor = {
  async init(state) {
    const url = state ? JSON.parse(new TextDecoder().decode(state)).url : 'http://127.0.0.1:9/';
    console.log(`fetching ${url}`);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'x-actor': 'js-fetch' }, body: 'ping from JS' });
      const text = await res.text();
      console.log(`status ${res.status}: ${text}`);
      return [enc(`fetch ${res.status} ${res.headers.get('x-reply') ?? '-'} ${text}`)];
    } catch (e) {
      console.log(`fetch failed: ${e?.message ?? e}`);
      return [enc(`fetch failed: ${e?.message ?? e}`)];
    }
  },
};
