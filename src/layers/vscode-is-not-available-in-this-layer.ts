// The runtime, the language server and the CLI never import `vscode`. Their tsconfig maps the module
// name `vscode` to this file, which belongs to no project, so such an import fails to compile with
// TS6307 naming this file. (Listing only node in `types` is not enough: imports still resolve @types.)
export {};
