;; A core module whose start function never returns: the actor never becomes ready, so only a time
;; limit that holds before init (instantiation included) stops it.
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  (func $forever (loop $l (br $l)))
  (start $forever)
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (call $ok_none))
)
