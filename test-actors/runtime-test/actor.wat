;; theater:simple/runtime: four log lines, get-state (none on a first init), get-chain (the real
;; chain: at least 5 events, every event-type non-empty, the last one has a parent).
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  (import "theater:simple/runtime" "get-state" (func $get_state (param i32)))
  (import "theater:simple/runtime" "get-chain" (func $get_chain (param i32)))
  ;; @prelude
  (data (i32.const 16) "Runtime test actor initialized")   ;; 30
  (data (i32.const 48) "Test message 1")                   ;; 14
  (data (i32.const 64) "Test message 2")
  (data (i32.const 80) "Test message 3")
  (data (i32.const 96) "{\"status\":\"success\",\"message\":\"Runtime handler tests passed!\"}") ;; 62
  (data (i32.const 160) "get-state returned a state on the first init")      ;; 44
  (data (i32.const 208) "get-chain returned fewer than 5 events")            ;; 38
  (data (i32.const 256) "get-chain returned an event with an empty type")    ;; 46
  (data (i32.const 304) "the last event of get-chain has no parent")         ;; 41

  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (local $area i32) (local $list i32) (local $n i32) (local $i i32) (local $el i32)
    (call $log (i32.const 16) (i32.const 30))
    (call $log (i32.const 48) (i32.const 14))
    (call $log (i32.const 64) (i32.const 14))
    (call $log (i32.const 80) (i32.const 14))
    (local.set $area (call $alloc (i32.const 16) (i32.const 8)))
    (call $get_state (local.get $area))
    (if (i32.load8_u (local.get $area)) (then (return (call $err (i32.const 160) (i32.const 44)))))
    (call $get_chain (local.get $area))
    (local.set $list (i32.load (local.get $area)))
    (local.set $n (i32.load offset=4 (local.get $area)))
    (if (i32.lt_u (local.get $n) (i32.const 5)) (then (return (call $err (i32.const 208) (i32.const 38)))))
    ;; meta-event: hash u64 @0; event-type (ptr,len) @8; parent disc @16, value @24; data @32; size 40
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $el (i32.add (local.get $list) (i32.mul (local.get $i) (i32.const 40))))
        (if (i32.eqz (i32.load offset=12 (local.get $el))) (then (return (call $err (i32.const 256) (i32.const 46)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (if (i32.eqz (i32.load8_u offset=16 (local.get $el))) (then (return (call $err (i32.const 304) (i32.const 41)))))
    (call $ok_some (i32.const 96) (i32.const 62)))
)
