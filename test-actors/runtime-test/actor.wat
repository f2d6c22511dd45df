;; theater:simple/runtime: log "Runtime test actor initialized" and "Test message 1".."3"; get-state
;; (none on a first init without state, some when init got a state); get-chain (at least 5 events, every
;; event-type non-empty, the last event has a parent). Returns
;; ok(some({"status":"success","message":"Runtime handler tests passed!"})); a failed check logs its
;; message and returns it as err.
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  (import "theater:simple/runtime" "get-state" (func $get_state (param i32)))
  (import "theater:simple/runtime" "get-chain" (func $get_chain (param i32)))
  ;; @prelude
  ;; @string hello "Runtime test actor initialized"
  ;; @string m1 "Test message 1"
  ;; @string m2 "Test message 2"
  ;; @string m3 "Test message 3"
  ;; @string passed "{\"status\":\"success\",\"message\":\"Runtime handler tests passed!\"}"
  ;; @string state_some "runtime-test: get-state returned a state on a first init without state"
  ;; @string state_none "runtime-test: get-state returned none although init got a state"
  ;; @string short "runtime-test: get-chain returned fewer than 5 events"
  ;; @string untyped "runtime-test: get-chain returned an event with an empty event-type"
  ;; @string orphan "runtime-test: the last event of get-chain has no parent"

  (func $fail (param $p i32) (param $len i32) (result i32)
    (call $log (local.get $p) (local.get $len))
    (call $err (local.get $p) (local.get $len)))

  (func (export "theater:simple/actor#init") (param $st_disc i32) (param i32 i32) (result i32)
    (local $area i32) (local $list i32) (local $n i32) (local $i i32) (local $el i32)
    (call $log {{hello}})
    (call $log {{m1}})
    (call $log {{m2}})
    (call $log {{m3}})
    ;; option<list<u8>> return area: disc @0, ptr @4, len @8
    (local.set $area (call $alloc (i32.const 16) (i32.const 8)))
    (call $get_state (local.get $area))
    (if (i32.and (i32.eqz (local.get $st_disc)) (i32.ne (i32.load8_u (local.get $area)) (i32.const 0)))
      (then (return (call $fail {{state_some}}))))
    (if (i32.and (i32.ne (local.get $st_disc) (i32.const 0)) (i32.eqz (i32.load8_u (local.get $area))))
      (then (return (call $fail {{state_none}}))))
    ;; chain { events: list<meta-event> } return area: ptr @0, len @4
    (call $get_chain (local.get $area))
    (local.set $list (i32.load (local.get $area)))
    (local.set $n (i32.load offset=4 (local.get $area)))
    (if (i32.lt_u (local.get $n) (i32.const 5)) (then (return (call $fail {{short}}))))
    ;; meta-event (size 40, align 8): hash u64 @0; event: event-type ptr @8 len @12,
    ;; parent option<u64> disc @16 value @24, data ptr @32 len @36
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $el (i32.add (local.get $list) (i32.mul (local.get $i) (i32.const 40))))
        (if (i32.eqz (i32.load offset=12 (local.get $el))) (then (return (call $fail {{untyped}}))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (if (i32.eqz (i32.load8_u offset=16 (local.get $el))) (then (return (call $fail {{orphan}}))))
    (call $ok_some {{passed}}))
)
