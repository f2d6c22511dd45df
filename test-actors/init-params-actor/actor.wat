;; The older init shape (Theater c5fe764f): init(state: option<list<u8>>, params: tuple<string>).
;; Logs the param (the runtime passes the actor id) and returns ok(some(the param's bytes)).
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  ;; @prelude

  ;; flat params: state (disc, ptr, len), params.0 (ptr, len)
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (param $p i32) (param $plen i32) (result i32)
    (call $log (local.get $p) (local.get $plen))
    (call $ok_some (local.get $p) (local.get $plen)))
)
