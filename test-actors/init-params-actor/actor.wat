;; The older init shape: init(state, params: tuple<string>). Logs the param (the actor id) and
;; returns it as the new state.
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (param $p i32) (param $plen i32) (result i32)
    (call $log (local.get $p) (local.get $plen))
    (call $ok_some (local.get $p) (local.get $plen)))
)
