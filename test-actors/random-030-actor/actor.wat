;; Imports wasi:random/random@0.3.0, which no registered handler serves (0.3 is not semver-compatible
;; with the handler's 0.2.3): the runtime must refuse it before init. If run anyway: calls
;; get-random-u64 twice and returns ok(some("ok")).
(module
  (import "wasi:random/random@0.3.0" "get-random-u64" (func $u64 (result i64)))
  ;; @prelude
  ;; @string ok "ok"
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (drop (call $u64))
    (drop (call $u64))
    (call $ok_some {{ok}}))
)
