;; Logs "checking configuration", then returns err("init failed on purpose: missing configuration").
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  ;; @string msg "checking configuration"
  ;; @string error "init failed on purpose: missing configuration"
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (call $log {{msg}})
    (call $err {{error}}))
)
