;; The seed's wasi-random-test (Theater c50b1871): get-random-bytes(10) and (32) of the right length,
;; get-random-u64 twice, get-random-bytes(100) not all zero; returns ok(some("WASI random tests passed!")).
;; Host calls on success, in this order (the upstream golden chain): bytes(10), bytes(32), u64, u64,
;; bytes(100). A failed check logs its message (theater:simple/runtime log) and returns it as err.
(module
  (import "wasi:random/random@0.2.3" "get-random-bytes" (func $bytes (param i64 i32)))
  (import "wasi:random/random@0.2.3" "get-random-u64" (func $u64 (result i64)))
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  ;; @string passed "WASI random tests passed!"
  ;; @string len10 "wasi-random-test: get-random-bytes(10) did not return 10 bytes"
  ;; @string len32 "wasi-random-test: get-random-bytes(32) did not return 32 bytes"
  ;; @string zeros "wasi-random-test: get-random-bytes(100) returned only zero bytes"

  (func $fail (param $p i32) (param $len i32) (result i32)
    (call $log (local.get $p) (local.get $len))
    (call $err (local.get $p) (local.get $len)))

  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (local $area i32) (local $i i32) (local $p i32) (local $n i32) (local $any i32)
    (local.set $area (call $alloc (i32.const 8) (i32.const 4)))   ;; list<u8> return area: ptr @0, len @4
    (call $bytes (i64.const 10) (local.get $area))
    (if (i32.ne (i32.load offset=4 (local.get $area)) (i32.const 10)) (then (return (call $fail {{len10}}))))
    (call $bytes (i64.const 32) (local.get $area))
    (if (i32.ne (i32.load offset=4 (local.get $area)) (i32.const 32)) (then (return (call $fail {{len32}}))))
    (drop (call $u64))
    (drop (call $u64))
    (call $bytes (i64.const 100) (local.get $area))
    (local.set $p (i32.load (local.get $area)))
    (local.set $n (i32.load offset=4 (local.get $area)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $any (i32.or (local.get $any) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (if (i32.eqz (local.get $any)) (then (return (call $fail {{zeros}}))))
    (call $ok_some {{passed}}))
)
