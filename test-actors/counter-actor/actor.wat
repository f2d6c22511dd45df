;; A counter. State: the count as decimal text (init: "0", or the given state).
;; handle-send(msg): msg "trap" traps; "stop" calls runtime.shutdown(some(count)); otherwise count + 1. handle-channel-message: count + 1.
;; handle-request(id, msg): "trap" traps; "ask:<36-char actor id>:<rest>" requests <rest> from that actor
;; and answers its response (or "err: <its error>"); anything else answers the count.
;; handle-channel-open accepts, except an open whose message is "no"; handle-channel-close keeps the state.
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  (import "theater:simple/runtime" "shutdown" (func $shutdown (param i32 i32 i32 i32)))
  (import "theater:simple/message-server-host" "request" (func $request (param i32 i32 i32 i32 i32)))
  ;; @prelude
  ;; @string zero "0"
  ;; @string trap "trap"
  ;; @string stop "stop"
  ;; @string ask "ask:"
  ;; @string errp "err: "
  ;; @string no "no"

  (func $count (param $d i32) (param $p i32) (param $l i32) (result i32)
    (if (result i32) (local.get $d) (then (call $parse_u32 (local.get $p) (local.get $l))) (else (i32.const 0))))

  (func $plus_one (param $d i32) (param $p i32) (param $l i32) (result i32)
    (local $b i32)
    (local.set $b (call $fmt_u32 (i32.add (call $count (local.get $d) (local.get $p) (local.get $l)) (i32.const 1))))
    (call $ok_some (local.get $b) (global.get $fmt_len)))

  (func (export "theater:simple/actor#init") (param $d i32) (param $p i32) (param $l i32) (result i32)
    (if (local.get $d) (then (return (call $ok_some (local.get $p) (local.get $l)))))
    (call $ok_some {{zero}}))

  (func (export "theater:simple/message-server-client#handle-send")
    (param $d i32) (param $p i32) (param $l i32) (param $mp i32) (param $ml i32) (result i32)
    (if (call $memeq (local.get $mp) (local.get $ml) {{trap}}) (then (call $log {{trap}}) unreachable))
    (if (call $memeq (local.get $mp) (local.get $ml) {{stop}})
      (then
        (call $shutdown (local.get $d) (local.get $p) (local.get $l) (call $alloc (i32.const 12) (i32.const 4)))
        (return (call $ok_state (local.get $d) (local.get $p) (local.get $l)))))
    (call $plus_one (local.get $d) (local.get $p) (local.get $l)))

  (func (export "theater:simple/message-server-client#handle-request")
    (param $d i32) (param $p i32) (param $l i32) (param $ip i32) (param $il i32) (param $mp i32) (param $ml i32) (result i32)
    (local $a i32) (local $b i32)
    (if (call $memeq (local.get $mp) (local.get $ml) {{trap}}) (then (call $log {{trap}}) unreachable))
    (if (i32.and (call $starts_with (local.get $mp) (local.get $ml) {{ask}}) (i32.ge_u (local.get $ml) (i32.const 41)))
      (then
        (local.set $a (call $alloc (i32.const 12) (i32.const 4)))
        ;; request(actor-id = msg[4..40], msg = msg[41..])
        (call $request
          (i32.add (local.get $mp) (i32.const 4)) (i32.const 36)
          (i32.add (local.get $mp) (i32.const 41)) (i32.sub (local.get $ml) (i32.const 41))
          (local.get $a))
        (if (i32.eqz (i32.load8_u (local.get $a)))
          (then (return (call $ok_response (local.get $d) (local.get $p) (local.get $l)
                          (i32.const 1) (i32.load offset=4 (local.get $a)) (i32.load offset=8 (local.get $a))))))
        ;; "err: " + the error text
        (global.set $out_len (i32.const 0))
        (call $out {{errp}})
        (call $out (i32.load offset=4 (local.get $a)) (i32.load offset=8 (local.get $a)))
        (return (call $ok_response (local.get $d) (local.get $p) (local.get $l) (i32.const 1) (global.get $out_ptr) (global.get $out_len)))))
    (local.set $b (call $fmt_u32 (call $count (local.get $d) (local.get $p) (local.get $l))))
    (call $ok_response (local.get $d) (local.get $p) (local.get $l) (i32.const 1) (local.get $b) (global.get $fmt_len)))

  (func (export "theater:simple/message-server-client#handle-channel-open")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (param $mp i32) (param $ml i32) (result i32)
    (call $ok_accept (local.get $d) (local.get $p) (local.get $l)
      (i32.eqz (call $memeq (local.get $mp) (local.get $ml) {{no}}))))

  (func (export "theater:simple/message-server-client#handle-channel-message")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (param $mp i32) (param $ml i32) (result i32)
    (call $plus_one (local.get $d) (local.get $p) (local.get $l)))

  (func (export "theater:simple/message-server-client#handle-channel-close")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (result i32)
    (call $ok_state (local.get $d) (local.get $p) (local.get $l)))
)
