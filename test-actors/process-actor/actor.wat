;; Starts OS processes through theater:simple/process and keeps a transcript as its state.
;; init(state) picks a scenario by the state's first byte (none: "cat"):
;;   c  /bin/cat, line-by-line: writes "one\ntwo\n", then "three\n", then closes stdin (an empty write)
;;   s  /bin/sh -c "echo out; echo err >&2; echo ran >> ran.txt; exit 3" (raw; ran.txt in the manifest's folder)
;;   d  /usr/bin/env, which the manifest does not allow: the refusal's sentence goes into the transcript
;;   k  /bin/cat, then os-kill
;;   l  /bin/sh -c "echo $$; exec /bin/cat": prints its OS pid and keeps running until killed
;;   m  /bin/cat three times (the third is refused under max_processes = 2), then os-kill 1 and 2
;; Transcript: "[spawned N]", "[refused: …]", "[out …]", "[err …]", "[exit N]".
(module
  (import "theater:simple/process" "os-spawn"
    (func $os_spawn (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i64 i32)))
  (import "theater:simple/process" "os-write-stdin" (func $os_write_stdin (param i64 i32 i32 i32)))
  (import "theater:simple/process" "os-kill" (func $os_kill (param i64 i32)))
  ;; @prelude
  ;; @string cat "/bin/cat"
  ;; @string sh "/bin/sh"
  ;; @string env "/usr/bin/env"
  ;; @string dashc "-c"
  ;; @string script "echo out; echo err >&2; echo ran >> ran.txt; exit 3"
  ;; @string lscript "echo $$; exec /bin/cat"
  ;; @string w1 "one\0atwo\0a"
  ;; @string w2 "three\0a"
  ;; @string spawned "[spawned "
  ;; @string refused "[refused: "
  ;; @string wrefused "[write refused: "
  ;; @string krefused "[kill refused: "
  ;; @string out "[out "
  ;; @string err "[err "
  ;; @string exit "[exit "
  ;; @string minus "-"
  ;; @string close "]"

  (global $pid (mut i64) (i64.const 0))
  (global $tx_ptr (mut i32) (i32.const 0))
  (global $tx_len (mut i32) (i32.const 0))

  ;; A fresh transcript buffer holding the state (if any) with room for `extra` more bytes.
  (func $tx_begin (param $d i32) (param $p i32) (param $l i32) (param $extra i32)
    (if (i32.eqz (local.get $d)) (then (local.set $l (i32.const 0))))
    (global.set $tx_ptr (call $alloc (i32.add (i32.add (local.get $l) (local.get $extra)) (i32.const 512)) (i32.const 1)))
    (memory.copy (global.get $tx_ptr) (local.get $p) (local.get $l))
    (global.set $tx_len (local.get $l)))
  (func $tx (param $p i32) (param $l i32)
    (memory.copy (i32.add (global.get $tx_ptr) (global.get $tx_len)) (local.get $p) (local.get $l))
    (global.set $tx_len (i32.add (global.get $tx_len) (local.get $l))))
  (func $tx_num (param $n i32)
    (local $b i32)
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then (call $tx {{minus}}) (local.set $n (i32.sub (i32.const 0) (local.get $n)))))
    (local.set $b (call $fmt_u32 (local.get $n)))
    (call $tx (local.get $b) (global.get $fmt_len)))

  ;; os-spawn(program, args (count strings at args), mode for stdout and stderr); 1 when it started.
  (func $spawn (param $pp i32) (param $pl i32) (param $ap i32) (param $an i32) (param $mode i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 16) (i32.const 8)))
    (call $os_spawn
      (local.get $pp) (local.get $pl)              ;; program
      (local.get $ap) (local.get $an)              ;; args
      (i32.const 0) (i32.const 0) (i32.const 0)    ;; cwd: none
      (i32.const 0) (i32.const 0)                  ;; env: []
      (i32.const 0)                                ;; buffer-size
      (local.get $mode) (local.get $mode)          ;; stdout-mode, stderr-mode
      (i32.const 0) (i32.const 0)                  ;; chunk-size: none
      (i32.const 0) (i64.const 0)                  ;; execution-timeout: none
      (local.get $r))
    (if (i32.eqz (i32.load8_u (local.get $r)))
      (then
        (global.set $pid (i64.load offset=8 (local.get $r)))
        (call $tx {{spawned}})
        (call $tx_num (i32.wrap_i64 (global.get $pid)))
        (call $tx {{close}})
        (return (i32.const 1))))
    (call $tx {{refused}})
    (call $tx (i32.load offset=8 (local.get $r)) (i32.load offset=12 (local.get $r)))
    (call $tx {{close}})
    (i32.const 0))

  (func $write (param $p i32) (param $l i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 12) (i32.const 4)))
    (call $os_write_stdin (global.get $pid) (local.get $p) (local.get $l) (local.get $r))
    (if (i32.load8_u (local.get $r))
      (then
        (call $tx {{wrefused}})
        (call $tx (i32.load offset=4 (local.get $r)) (i32.load offset=8 (local.get $r)))
        (call $tx {{close}}))))

  (func $kill (param $pid i64)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 12) (i32.const 4)))
    (call $os_kill (local.get $pid) (local.get $r))
    (if (i32.load8_u (local.get $r))
      (then
        (call $tx {{krefused}})
        (call $tx (i32.load offset=4 (local.get $r)) (i32.load offset=8 (local.get $r)))
        (call $tx {{close}}))))

  (func (export "theater:simple/actor#init") (param $d i32) (param $p i32) (param $l i32) (result i32)
    (local $c i32) (local $args i32)
    (local.set $c (i32.const 99)) ;; 'c'
    (if (i32.and (local.get $d) (i32.gt_u (local.get $l) (i32.const 0)))
      (then (local.set $c (i32.load8_u (local.get $p)))))
    (call $tx_begin (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    (if (i32.eq (local.get $c) (i32.const 99)) ;; c
      (then
        (if (call $spawn {{cat}} (i32.const 0) (i32.const 0) (i32.const 1))
          (then (call $write {{w1}}) (call $write {{w2}}) (call $write (i32.const 0) (i32.const 0))))))
    (if (i32.eq (local.get $c) (i32.const 115)) ;; s
      (then
        (local.set $args (call $alloc (i32.const 16) (i32.const 4)))
        (i32.store (local.get $args) {{dashc.ptr}})
        (i32.store offset=4 (local.get $args) {{dashc.len}})
        (i32.store offset=8 (local.get $args) {{script.ptr}})
        (i32.store offset=12 (local.get $args) {{script.len}})
        (drop (call $spawn {{sh}} (local.get $args) (i32.const 2) (i32.const 0)))))
    (if (i32.eq (local.get $c) (i32.const 108)) ;; l
      (then
        (local.set $args (call $alloc (i32.const 16) (i32.const 4)))
        (i32.store (local.get $args) {{dashc.ptr}})
        (i32.store offset=4 (local.get $args) {{dashc.len}})
        (i32.store offset=8 (local.get $args) {{lscript.ptr}})
        (i32.store offset=12 (local.get $args) {{lscript.len}})
        (drop (call $spawn {{sh}} (local.get $args) (i32.const 2) (i32.const 1)))))
    (if (i32.eq (local.get $c) (i32.const 100)) ;; d
      (then (drop (call $spawn {{env}} (i32.const 0) (i32.const 0) (i32.const 0)))))
    (if (i32.eq (local.get $c) (i32.const 107)) ;; k
      (then
        (if (call $spawn {{cat}} (i32.const 0) (i32.const 0) (i32.const 0))
          (then (call $kill (global.get $pid))))))
    (if (i32.eq (local.get $c) (i32.const 109)) ;; m
      (then
        (drop (call $spawn {{cat}} (i32.const 0) (i32.const 0) (i32.const 0)))
        (drop (call $spawn {{cat}} (i32.const 0) (i32.const 0) (i32.const 0)))
        (drop (call $spawn {{cat}} (i32.const 0) (i32.const 0) (i32.const 0)))
        (call $kill (i64.const 1))
        (call $kill (i64.const 2))))
    (call $ok_some (global.get $tx_ptr) (global.get $tx_len)))

  (func $output (param $d i32) (param $p i32) (param $l i32) (param $tp i32) (param $tl i32) (param $bp i32) (param $bl i32) (result i32)
    (call $tx_begin (local.get $d) (local.get $p) (local.get $l) (local.get $bl))
    (call $tx (local.get $tp) (local.get $tl))
    (call $tx (local.get $bp) (local.get $bl))
    (call $tx {{close}})
    (call $ok_some (global.get $tx_ptr) (global.get $tx_len)))

  (func (export "theater:simple/process-handlers#handle-stdout")
    (param $d i32) (param $p i32) (param $l i32) (param $pid i64) (param $bp i32) (param $bl i32) (result i32)
    (call $output (local.get $d) (local.get $p) (local.get $l) {{out}} (local.get $bp) (local.get $bl)))

  (func (export "theater:simple/process-handlers#handle-stderr")
    (param $d i32) (param $p i32) (param $l i32) (param $pid i64) (param $bp i32) (param $bl i32) (result i32)
    (call $output (local.get $d) (local.get $p) (local.get $l) {{err}} (local.get $bp) (local.get $bl)))

  (func (export "theater:simple/process-handlers#handle-exit")
    (param $d i32) (param $p i32) (param $l i32) (param $pid i64) (param $code i32) (result i32)
    (call $tx_begin (local.get $d) (local.get $p) (local.get $l) (i32.const 0))
    (call $tx {{exit}})
    (call $tx_num (local.get $code))
    (call $tx {{close}})
    (call $ok_some (global.get $tx_ptr) (global.get $tx_len)))
)
