;; Calls wasi:random get-random-u64 N times, N read as decimal digits from the init state (none: 1000;
;; e.g. init_state = "./state.json" holding 50000); returns ok(some(the last value, 8 bytes little-endian)).
;; No other host call, so the chain is wasm, N × get-random-u64, wasm. For benchmarks, time limits, kills.
(module
  (import "wasi:random/random@0.2.3" "get-random-u64" (func $u64 (result i64)))
  ;; @prelude

  (func (export "theater:simple/actor#init") (param $disc i32) (param $ptr i32) (param $len i32) (result i32)
    (local $n i32) (local $i i32) (local $v i64) (local $buf i32)
    (local.set $n (i32.const 1000))
    (if (local.get $disc) (then (local.set $n (call $parse_u32 (local.get $ptr) (local.get $len)))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v (call $u64))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.set $buf (call $alloc (i32.const 8) (i32.const 8)))
    (i64.store (local.get $buf) (local.get $v))
    (call $ok_some (local.get $buf) (i32.const 8)))
)
