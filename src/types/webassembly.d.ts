// The parts of the WebAssembly JS API the runtime uses (lib.dom is not loaded in a Node project).
declare namespace WebAssembly {
  class Module {}
  class RuntimeError extends Error {}
  function compile(bytes: Uint8Array): Promise<Module>;
}
