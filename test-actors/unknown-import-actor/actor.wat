;; Imports acme:widgets/gizmo@1.0.0, which no handler provides.
(module
  (import "acme:widgets/gizmo@1.0.0" "spin" (func $spin (result i32)))
  ;; @prelude
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (drop (call $spin))
    (call $ok_none))
)
