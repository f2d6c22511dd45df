;; Imports wasi:random/random@0.2.3, but its manifest lists only `type = "runtime"`: the runtime must
;; refuse it (handler not listed) unless handlers are activated by imports, as Theater does. If run:
;; calls get-random-u64 once and returns ok(some(the value, 8 bytes little-endian)).
(module
  (import "wasi:random/random@0.2.3" "get-random-u64" (func $u64 (result i64)))
  ;; @prelude
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (local $buf i32)
    (local.set $buf (call $alloc (i32.const 8) (i32.const 8)))
    (i64.store (local.get $buf) (call $u64))
    (call $ok_some (local.get $buf) (i32.const 8)))
)
