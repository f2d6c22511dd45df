;; Logs "looping forever", then loops forever without host calls: only the call time limit (or Stop)
;; ends it.
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  ;; @string msg "looping forever"
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (call $log {{msg}})
    (loop $forever (br $forever))
    unreachable)
)
