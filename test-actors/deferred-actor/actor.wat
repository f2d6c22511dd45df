;; Deferred answers. handle-request returns no response (the request stays outstanding); handle-send(msg)
;; answers every outstanding request (list-outstanding-requests) with msg through respond-to-request.
;; A message "cancel" cancels them instead (cancel-request). State: none.
(module
  (import "theater:simple/message-server-host" "list-outstanding-requests" (func $list (param i32)))
  (import "theater:simple/message-server-host" "respond-to-request" (func $respond (param i32 i32 i32 i32 i32)))
  (import "theater:simple/message-server-host" "cancel-request" (func $cancel (param i32 i32 i32)))
  ;; @prelude
  ;; @string cancel "cancel"

  (func (export "theater:simple/actor#init") (param $d i32) (param $p i32) (param $l i32) (result i32)
    (call $ok_none))

  (func (export "theater:simple/message-server-client#handle-send")
    (param $d i32) (param $p i32) (param $l i32) (param $mp i32) (param $ml i32) (result i32)
    (local $a i32) (local $r i32) (local $n i32) (local $i i32) (local $e i32) (local $c i32)
    (local.set $a (call $alloc (i32.const 8) (i32.const 4)))
    (local.set $r (call $alloc (i32.const 12) (i32.const 4)))
    (local.set $c (call $memeq (local.get $mp) (local.get $ml) {{cancel}}))
    (call $list (local.get $a))
    (local.set $n (i32.load offset=4 (local.get $a)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $e (i32.add (i32.load (local.get $a)) (i32.mul (local.get $i) (i32.const 8))))
        (if (local.get $c)
          (then (call $cancel (i32.load (local.get $e)) (i32.load offset=4 (local.get $e)) (local.get $r)))
          (else (call $respond (i32.load (local.get $e)) (i32.load offset=4 (local.get $e)) (local.get $mp) (local.get $ml) (local.get $r))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (call $ok_none))

  (func (export "theater:simple/message-server-client#handle-request")
    (param $d i32) (param $p i32) (param $l i32) (param $ip i32) (param $il i32) (param $mp i32) (param $ml i32) (result i32)
    (call $ok_response (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))

  (func (export "theater:simple/message-server-client#handle-channel-open")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (param $mp i32) (param $ml i32) (result i32)
    (call $ok_accept (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))

  (func (export "theater:simple/message-server-client#handle-channel-message")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (param $mp i32) (param $ml i32) (result i32)
    (call $ok_none))

  (func (export "theater:simple/message-server-client#handle-channel-close")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (result i32)
    (call $ok_none))
)
