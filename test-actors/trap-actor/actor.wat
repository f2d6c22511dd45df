;; Logs, then executes `unreachable`: the runtime must record the trap and survive it.
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  (data (i32.const 16) "about to trap")
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (call $log (i32.const 16) (i32.const 13))
    unreachable)
)
