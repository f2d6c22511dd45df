;; wasi:clocks + wasi:io/poll, in this order: monotonic now, resolution, a second now >= the first;
;; subscribe-duration(5 ms) + [method]pollable.block; subscribe-duration(1 ns) + [method]pollable.ready
;; (must be true); now, subscribe-instant(now + 1 ms) + poll([it]) (must be [0]); [resource-drop]pollable
;; ×3; wall-clock now (after 2020) and resolution (not zero).
;; Returns ok(some("WASI clocks + poll tests passed!")); a failed check logs its message and returns it as err.
;; Canonical ABI: pollables are i32 handles (own from subscribe-*, borrowed by the methods and poll).
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
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  ;; @string passed "WASI clocks + poll tests passed!"
  ;; @string res0 "wasi-clocks-test: monotonic-clock resolution is zero"
  ;; @string back "wasi-clocks-test: monotonic-clock now went backwards"
  ;; @string notready "wasi-clocks-test: a 1 ns pollable is not ready"
  ;; @string poll0 "wasi-clocks-test: poll on one pollable did not return [0]"
  ;; @string wall "wasi-clocks-test: wall-clock now is before 2020"
  ;; @string wallres "wasi-clocks-test: wall-clock resolution is zero"

  (func $fail (param $p i32) (param $len i32) (result i32)
    (call $log (local.get $p) (local.get $len))
    (call $err (local.get $p) (local.get $len)))

  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (local $t1 i64) (local $t2 i64) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $list i32) (local $a i32)
    (local.set $t1 (call $now))
    (if (i64.eqz (call $resolution)) (then (return (call $fail {{res0}}))))
    (local.set $t2 (call $now))
    (if (i64.lt_u (local.get $t2) (local.get $t1)) (then (return (call $fail {{back}}))))
    ;; 5 ms pollable, blocked on
    (local.set $p1 (call $sub_dur (i64.const 5000000)))
    (call $block (local.get $p1))
    ;; 1 ns pollable: ready by the time we ask
    (local.set $p2 (call $sub_dur (i64.const 1)))
    (if (i32.eqz (call $ready (local.get $p2))) (then (return (call $fail {{notready}}))))
    ;; poll([instant pollable 1 ms ahead]) -> [0]; list<u32> return area: ptr @0, len @4
    (local.set $p3 (call $sub_inst (i64.add (call $now) (i64.const 1000000))))
    (local.set $list (call $alloc (i32.const 4) (i32.const 4)))
    (i32.store (local.get $list) (local.get $p3))
    (local.set $a (call $alloc (i32.const 16) (i32.const 8)))
    (call $poll (local.get $list) (i32.const 1) (local.get $a))
    (if (i32.or (i32.ne (i32.load offset=4 (local.get $a)) (i32.const 1))
                (i32.ne (i32.load (i32.load (local.get $a))) (i32.const 0)))
      (then (return (call $fail {{poll0}}))))
    (call $drop (local.get $p1))
    (call $drop (local.get $p2))
    (call $drop (local.get $p3))
    ;; datetime return area: seconds u64 @0, nanoseconds u32 @8
    (call $wall_now (local.get $a))
    (if (i64.lt_u (i64.load (local.get $a)) (i64.const 1577836800)) (then (return (call $fail {{wall}}))))
    (call $wall_res (local.get $a))
    (if (i64.eqz (i64.or (i64.load (local.get $a)) (i64.extend_i32_u (i32.load offset=8 (local.get $a)))))
      (then (return (call $fail {{wallres}}))))
    (call $ok_some {{passed}}))
)
