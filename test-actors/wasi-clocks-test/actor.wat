;; wasi:clocks + wasi:io/poll: monotonic now/resolution/ordering, a 5 ms pollable blocked on, a 1 ns
;; pollable ready, poll() on an instant pollable returns [0], pollables dropped, wall clock sane.
(module
  (import "wasi:clocks/monotonic-clock@0.2.3" "now" (func $now (result i64)))
  (import "wasi:clocks/monotonic-clock@0.2.3" "resolution" (func $resolution (result i64)))
  (import "wasi:clocks/monotonic-clock@0.2.3" "subscribe-duration" (func $sub_dur (param i64) (result i32)))
  (import "wasi:clocks/monotonic-clock@0.2.3" "subscribe-instant" (func $sub_inst (param i64) (result i32)))
  (import "wasi:io/poll@0.2.3" "[method]pollable.block" (func $block (param i32)))
  (import "wasi:io/poll@0.2.3" "[method]pollable.ready" (func $ready (param i32) (result i32)))
  (import "wasi:io/poll@0.2.3" "poll" (func $poll (param i32 i32 i32)))
  (import "wasi:io/poll@0.2.3" "[resource-drop]pollable" (func $drop (param i32)))
  (import "wasi:clocks/wall-clock@0.2.3" "now" (func $wall_now (param i32)))
  (import "wasi:clocks/wall-clock@0.2.3" "resolution" (func $wall_res (param i32)))
  ;; @prelude
  (data (i32.const 16) "WASI clocks + poll tests passed!")                        ;; 32
  (data (i32.const 64) "monotonic resolution is zero")                            ;; 28
  (data (i32.const 96) "monotonic clock went backwards")                          ;; 30
  (data (i32.const 128) "pollable.block returned before 5 ms had passed")         ;; 46
  (data (i32.const 176) "a blocked-on pollable is not ready")                     ;; 34
  (data (i32.const 224) "poll did not return [0] for the only pollable")          ;; 45
  (data (i32.const 272) "wall clock is before 2020")                              ;; 25

  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (local $t1 i64) (local $t2 i64) (local $t3 i64) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $a i32) (local $list i32)
    (local.set $t1 (call $now))
    (if (i64.eqz (call $resolution)) (then (return (call $err (i32.const 64) (i32.const 28)))))
    (local.set $t2 (call $now))
    (if (i64.lt_u (local.get $t2) (local.get $t1)) (then (return (call $err (i32.const 96) (i32.const 30)))))
    (local.set $p1 (call $sub_dur (i64.const 5000000)))
    (call $block (local.get $p1))
    (local.set $t3 (call $now))
    (if (i64.lt_u (i64.sub (local.get $t3) (local.get $t2)) (i64.const 5000000))
      (then (return (call $err (i32.const 128) (i32.const 46)))))
    (local.set $p2 (call $sub_dur (i64.const 1)))
    (call $block (local.get $p2))
    (if (i32.eqz (call $ready (local.get $p2))) (then (return (call $err (i32.const 176) (i32.const 34)))))
    (local.set $p3 (call $sub_inst (i64.add (call $now) (i64.const 1000000))))
    (local.set $list (call $alloc (i32.const 4) (i32.const 4)))
    (i32.store (local.get $list) (local.get $p3))
    (local.set $a (call $alloc (i32.const 16) (i32.const 8)))
    (call $poll (local.get $list) (i32.const 1) (local.get $a))
    (if (i32.or (i32.ne (i32.load offset=4 (local.get $a)) (i32.const 1))
                (i32.ne (i32.load (i32.load (local.get $a))) (i32.const 0)))
      (then (return (call $err (i32.const 224) (i32.const 45)))))
    (call $drop (local.get $p1))
    (call $drop (local.get $p2))
    (call $drop (local.get $p3))
    (call $wall_now (local.get $a))
    (if (i64.lt_u (i64.load (local.get $a)) (i64.const 1577836800)) (then (return (call $err (i32.const 272) (i32.const 25)))))
    (call $wall_res (local.get $a))
    (call $ok_some (i32.const 16) (i32.const 32)))
)
