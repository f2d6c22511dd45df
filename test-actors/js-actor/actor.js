// A JavaScript actor built with componentize-js (StarlingMonkey) as a new user builds one: console.log
// and console.error go through wasi:cli stdout/stderr. Built with the http and fetch-event features
// disabled: with them the component also imports wasi:http, which this runtime does not serve yet.
export const actor = {
  init(state) {
    console.log('hello from JavaScript');
    console.error('JS writes to stderr');
    const seen = state ? state.length : 0;
    return [new TextEncoder().encode(`js ok: ${seen} state bytes`)];
  },
};
