;; theater:simple/runtime: 30 times a log then get-chain; the i-th answer must hold at least 2i events
;; (every earlier log and get-chain is in the chain). Returns ok(some("get-chain x30")); a failed check
;; logs its message and returns it as err.
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  (import "theater:simple/runtime" "get-chain" (func $get_chain (param i32)))
  ;; @prelude
  ;; @string tick "tick"
  ;; @string passed "get-chain x30"
  ;; @string short "get-chain-actor: get-chain returned fewer events than calls made so far"

  (func (export "theater:simple/actor#init") (param $st_disc i32) (param i32 i32) (result i32)
    (local $area i32) (local $i i32)
    (local.set $area (call $alloc (i32.const 8) (i32.const 4)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.const 30)))
        (call $log {{tick}})
        ;; chain { events: list<meta-event> } return area: ptr @0, len @4
        (call $get_chain (local.get $area))
        (if (i32.lt_u (i32.load offset=4 (local.get $area)) (i32.mul (local.get $i) (i32.const 2)))
          (then
            (call $log {{short}})
            (return (call $err {{short}}))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (call $ok_some {{passed}}))
)
