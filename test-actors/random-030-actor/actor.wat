;; Imports wasi:random/random@0.3.0 and calls get-random-u64 twice.
(module
  (import "wasi:random/random@0.3.0" "get-random-u64" (func $u64 (result i64)))
  ;; @prelude
  (data (i32.const 16) "ok")
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (drop (call $u64))
    (drop (call $u64))
    (call $ok_some (i32.const 16) (i32.const 2)))
)
