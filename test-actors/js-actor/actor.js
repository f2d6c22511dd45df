// A JavaScript actor built with componentize-js (StarlingMonkey) as a new user builds one: console.log
// and console.error go through wasi:cli stdout/stderr. Built with the http and fetch-event features
// disabled, so its component imports no wasi:http (js-fetch-actor is built with them).
export const actor = {
  init(state) {
    console.log('hello from JavaScript');
    console.error('JS writes to stderr');
    const seen = state ? state.length : 0;
    return [new TextEncoder().encode(`js ok: ${seen} state bytes`)];
  },
};
