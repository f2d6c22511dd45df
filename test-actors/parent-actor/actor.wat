;; A supervisor. init spawns ../counter-actor/manifest.toml (relative to this manifest) and keeps the
;; child's id as its state. handle-send forwards the message to the child. handle-request:
;; "burst" sends "x" five times, then requests the count (FIFO: the answer is 5 more than before);
;; "channel" opens a channel to the child, sends two messages on it, closes it and requests the count;
;; anything else is forwarded as a request, answering the child's response or "err: <error>".
;; handle-child-error logs and restarts the child (a refused restart is logged: "restart refused: …").
(module
  (import "theater:simple/runtime" "log" (func $log (param i32 i32)))
  (import "theater:simple/message-server-host" "send" (func $send (param i32 i32 i32 i32 i32)))
  (import "theater:simple/message-server-host" "request" (func $request (param i32 i32 i32 i32 i32)))
  (import "theater:simple/message-server-host" "open-channel" (func $open (param i32 i32 i32 i32 i32)))
  (import "theater:simple/message-server-host" "send-on-channel" (func $send_on (param i32 i32 i32 i32 i32)))
  (import "theater:simple/message-server-host" "close-channel" (func $close (param i32 i32 i32)))
  (import "theater:simple/supervisor" "spawn" (func $spawn (param i32 i32 i32 i32 i32 i32)))
  (import "theater:simple/supervisor" "restart-child" (func $restart (param i32 i32 i32)))
  ;; @prelude
  ;; @string child "../counter-actor/manifest.toml"
  ;; @string burst "burst"
  ;; @string channel "channel"
  ;; @string x "x"
  ;; @string get "get"
  ;; @string hi "hi"
  ;; @string a "a"
  ;; @string b "b"
  ;; @string errp "err: "
  ;; @string failed "child failed; restarting it"
  ;; @string refused "restart refused: "

  ;; Return area of the last host call (result<…, string>: disc @0, ptr @4, len @8).
  (global $ra (mut i32) (i32.const 0))
  (func $area (result i32)
    (if (i32.eqz (global.get $ra)) (then (global.set $ra (call $alloc (i32.const 16) (i32.const 4)))))
    (global.get $ra))

  ;; The answer of a request in $ra: ok → its bytes; err → "err: " + text.
  (func $answer (param $d i32) (param $p i32) (param $l i32) (result i32)
    (if (i32.eqz (i32.load8_u (global.get $ra)))
      (then (return (call $ok_response (local.get $d) (local.get $p) (local.get $l)
                      (i32.const 1) (i32.load offset=4 (global.get $ra)) (i32.load offset=8 (global.get $ra))))))
    (global.set $out_len (i32.const 0))
    (call $out {{errp}})
    (call $out (i32.load offset=4 (global.get $ra)) (i32.load offset=8 (global.get $ra)))
    (call $ok_response (local.get $d) (local.get $p) (local.get $l) (i32.const 1) (global.get $out_ptr) (global.get $out_len)))

  (func (export "theater:simple/actor#init") (param $d i32) (param $p i32) (param $l i32) (result i32)
    (call $spawn {{child}} (i32.const 0) (i32.const 0) (i32.const 0) (call $area))
    (if (i32.load8_u (global.get $ra))
      (then (return (call $err (i32.load offset=4 (global.get $ra)) (i32.load offset=8 (global.get $ra))))))
    (call $ok_some (i32.load offset=4 (global.get $ra)) (i32.load offset=8 (global.get $ra))))

  (func (export "theater:simple/message-server-client#handle-send")
    (param $d i32) (param $p i32) (param $l i32) (param $mp i32) (param $ml i32) (result i32)
    (call $send (local.get $p) (local.get $l) (local.get $mp) (local.get $ml) (call $area))
    (call $ok_state (local.get $d) (local.get $p) (local.get $l)))

  (func (export "theater:simple/message-server-client#handle-request")
    (param $d i32) (param $p i32) (param $l i32) (param $ip i32) (param $il i32) (param $mp i32) (param $ml i32) (result i32)
    (local $i i32) (local $cp i32) (local $cl i32)
    (if (call $memeq (local.get $mp) (local.get $ml) {{burst}})
      (then
        (block $done
          (loop $l5
            (br_if $done (i32.ge_u (local.get $i) (i32.const 5)))
            (call $send (local.get $p) (local.get $l) {{x}} (call $area))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $l5)))
        (call $request (local.get $p) (local.get $l) {{get}} (call $area))
        (return (call $answer (local.get $d) (local.get $p) (local.get $l)))))
    (if (call $memeq (local.get $mp) (local.get $ml) {{channel}})
      (then
        (call $open (local.get $p) (local.get $l) {{hi}} (call $area))
        (if (i32.load8_u (global.get $ra)) (then (return (call $answer (local.get $d) (local.get $p) (local.get $l)))))
        (local.set $cp (i32.load offset=4 (global.get $ra)))
        (local.set $cl (i32.load offset=8 (global.get $ra)))
        (call $send_on (local.get $cp) (local.get $cl) {{a}} (call $area))
        (call $send_on (local.get $cp) (local.get $cl) {{b}} (call $area))
        (call $close (local.get $cp) (local.get $cl) (call $area))
        (call $request (local.get $p) (local.get $l) {{get}} (call $area))
        (return (call $answer (local.get $d) (local.get $p) (local.get $l)))))
    (call $request (local.get $p) (local.get $l) (local.get $mp) (local.get $ml) (call $area))
    (call $answer (local.get $d) (local.get $p) (local.get $l)))

  (func (export "theater:simple/message-server-client#handle-channel-open")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (param $mp i32) (param $ml i32) (result i32)
    (call $ok_accept (local.get $d) (local.get $p) (local.get $l) (i32.const 0)))

  (func (export "theater:simple/message-server-client#handle-channel-message")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (param $mp i32) (param $ml i32) (result i32)
    (call $ok_state (local.get $d) (local.get $p) (local.get $l)))

  (func (export "theater:simple/message-server-client#handle-channel-close")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (result i32)
    (call $ok_state (local.get $d) (local.get $p) (local.get $l)))

  ;; (state, (child-id, wit-actor-error { error-type, data: option<list<u8>> }))
  (func (export "theater:simple/supervisor-handlers#handle-child-error")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32)
    (param $et i32) (param $dd i32) (param $dp i32) (param $dl i32) (result i32)
    (call $log {{failed}})
    (call $restart (local.get $cp) (local.get $cl) (call $area))
    (if (i32.load8_u (global.get $ra))
      (then
        (global.set $out_len (i32.const 0))
        (call $out {{refused}})
        (call $out (i32.load offset=4 (global.get $ra)) (i32.load offset=8 (global.get $ra)))
        (call $log (global.get $out_ptr) (global.get $out_len))))
    (call $ok_state (local.get $d) (local.get $p) (local.get $l)))

  (func (export "theater:simple/supervisor-handlers#handle-child-exit")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (param $xd i32) (param $xp i32) (param $xl i32) (result i32)
    (call $ok_state (local.get $d) (local.get $p) (local.get $l)))

  (func (export "theater:simple/supervisor-handlers#handle-child-external-stop")
    (param $d i32) (param $p i32) (param $l i32) (param $cp i32) (param $cl i32) (result i32)
    (call $ok_state (local.get $d) (local.get $p) (local.get $l)))
)
