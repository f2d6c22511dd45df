;; Imports acme:widgets/gizmo@1.0.0 and acme:widgets/sprocket@1.0.0 (declared in its own world.wit),
;; which no handler provides: the runtime must refuse it before init, naming both. If run anyway:
;; calls spin() and turn() and returns ok(none).
(module
  (import "acme:widgets/gizmo@1.0.0" "spin" (func $spin (result i32)))
  (import "acme:widgets/sprocket@1.0.0" "turn" (func $turn (result i32)))
  ;; @prelude
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (drop (call $spin))
    (drop (call $turn))
    (call $ok_none))
)
