;; The seed's wasi-random-test: bytes(10) and bytes(32) of the right length, two u64, 100 bytes not
;; all zero; returns "WASI random tests passed!" or an err naming the failed check.
(module
  (import "wasi:random/random@0.2.3" "get-random-bytes" (func $bytes (param i64 i32)))
  (import "wasi:random/random@0.2.3" "get-random-u64" (func $u64 (result i64)))
  ;; @prelude
  (data (i32.const 16) "WASI random tests passed!")          ;; 25
  (data (i32.const 48) "get-random-bytes(10) returned the wrong length") ;; 46
  (data (i32.const 96) "get-random-bytes(32) returned the wrong length") ;; 46
  (data (i32.const 144) "get-random-bytes(100) returned only zeros")     ;; 41

  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (local $area i32) (local $i i32) (local $p i32) (local $any i32)
    (local.set $area (call $alloc (i32.const 8) (i32.const 4)))
    (call $bytes (i64.const 10) (local.get $area))
    (if (i32.ne (i32.load offset=4 (local.get $area)) (i32.const 10))
      (then (return (call $err (i32.const 48) (i32.const 46)))))
    (call $bytes (i64.const 32) (local.get $area))
    (if (i32.ne (i32.load offset=4 (local.get $area)) (i32.const 32))
      (then (return (call $err (i32.const 96) (i32.const 46)))))
    (drop (call $u64))
    (drop (call $u64))
    (call $bytes (i64.const 100) (local.get $area))
    (local.set $p (i32.load (local.get $area)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.load offset=4 (local.get $area))))
        (local.set $any (i32.or (local.get $any) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (if (i32.eqz (local.get $any)) (then (return (call $err (i32.const 144) (i32.const 41)))))
    (call $ok_some (i32.const 16) (i32.const 25)))
)
