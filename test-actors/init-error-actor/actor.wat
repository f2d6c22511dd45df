;; Logs, then returns err("init failed on purpose: missing configuration").
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  (data (i32.const 16) "checking configuration")                         ;; 22
  (data (i32.const 48) "init failed on purpose: missing configuration")  ;; 45
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (call $log (i32.const 16) (i32.const 22))
    (call $err (i32.const 48) (i32.const 45)))
)
