// features: default
// A JavaScript actor serving wasi:http/incoming-handler with StarlingMonkey's fetch event, as
// componentize-js's README shows: every request is answered with its method, path and body echoed.
// The fetch event answers one request per instance (as `wasmtime serve` makes one instance per
// request), so its manifest sets the wasi-http handler's `instance_per_request = true`.
/* global addEventListener, Response */
addEventListener('fetch', (event) => event.respondWith(answer(event.request)));

async function answer(request) {
  const body = await request.text();
  const path = new URL(request.url).pathname;
  console.log(`${request.method} ${path}`);
  return new Response(`fetch event: ${request.method} ${path} with ${body.length} bytes: ${body}`, {
    status: 200,
    headers: { 'content-type': 'text/plain', 'x-served-by': 'js-fetch-event-actor' },
  });
}

export const actor = {
  init(state) {
    console.log('serving with the fetch event');
    return [state];
  },
};
