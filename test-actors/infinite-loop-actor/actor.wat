;; Logs, then loops forever without host calls: only the time limit (or Stop) ends it.
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  (data (i32.const 16) "looping forever")
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (call $log (i32.const 16) (i32.const 15))
    (loop $forever (br $forever))
    unreachable)
)
