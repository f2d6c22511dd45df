;; Imports wasi:random/random@0.2.0 (the random handler provides 0.2.3: semver-compatible, so it runs).
;; Calls get-random-u64 twice and get-random-bytes(4); returns ok(some("ok")).
(module
  (import "wasi:random/random@0.2.0" "get-random-u64" (func $u64 (result i64)))
  (import "wasi:random/random@0.2.0" "get-random-bytes" (func $bytes (param i64 i32)))
  ;; @prelude
  ;; @string ok "ok"
  ;; @string short "compat-random-actor: get-random-bytes(4) did not return 4 bytes"
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (local $area i32)
    (drop (call $u64))
    (drop (call $u64))
    (local.set $area (call $alloc (i32.const 8) (i32.const 4)))
    (call $bytes (i64.const 4) (local.get $area))
    (if (i32.ne (i32.load offset=4 (local.get $area)) (i32.const 4)) (then (return (call $err {{short}}))))
    (call $ok_some {{ok}}))
)
