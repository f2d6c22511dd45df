;; A guest that breaks the canonical ABI or its limits, chosen by the first digit of the init state:
;; 1: returns ok(some(list)) whose pointer lies outside its memory → must trap, not give an empty state;
;; 2: logs a string that is not valid UTF-8 (bytes ff fe) → must trap, not be replaced by U+FFFD;
;; 3: grows its memory one page at a time forever → must hit the memory cap or the time limit and end.
;; No state: returns ok(none).
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  ;; @string bad "\ff\fe"
  (func (export "theater:simple/actor#init") (param $disc i32) (param $ptr i32) (param $len i32) (result i32)
    (local $mode i32)
    (if (local.get $disc) (then (local.set $mode (call $parse_u32 (local.get $ptr) (i32.const 1)))))
    (if (i32.eq (local.get $mode) (i32.const 1))
      (then (return (call $ok_some (i32.const 1000000) (i32.const 100)))))
    (if (i32.eq (local.get $mode) (i32.const 2))
      (then (call $log {{bad}}) (return (call $ok_none))))
    (if (i32.eq (local.get $mode) (i32.const 3))
      (then (loop $grow (drop (memory.grow (i32.const 1))) (br $grow))))
    (call $ok_none))
)
