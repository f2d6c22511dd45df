;; Logs "about to trap", then executes `unreachable`: the runtime must record the trap and survive it.
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  ;; @string msg "about to trap"
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (call $log {{msg}})
    unreachable)
)
