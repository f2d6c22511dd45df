;; theater:simple/environment: exists/get-var for PATH, a variable that is never set, and HOME, in
;; the upstream actor's order; returns a text report as the state.
(module
  (import "theater:simple/environment" "get-var" (func $get_var (param i32 i32 i32)))
  (import "theater:simple/environment" "exists" (func $exists (param i32 i32) (result i32)))
  ;; @prelude
  (data (i32.const 16) "PATH")                                 ;; 4
  (data (i32.const 24) "THEATER_TEST_NONEXISTENT_VAR_12345")   ;; 34
  (data (i32.const 64) "HOME")                                 ;; 4
  (data (i32.const 72) " exists: ")                            ;; 9
  (data (i32.const 88) " value is Some: ")                     ;; 16
  (data (i32.const 112) "true\n")                              ;; 5
  (data (i32.const 120) "false\n")                             ;; 6

  (func $bool (param $b i32)
    (if (local.get $b) (then (call $out (i32.const 112) (i32.const 5))) (else (call $out (i32.const 120) (i32.const 6)))))

  ;; "<NAME> exists: <bool>\n<NAME> value is Some: <bool>\n"
  (func $check (param $p i32) (param $len i32)
    (local $area i32)
    (call $out (local.get $p) (local.get $len))
    (call $out (i32.const 72) (i32.const 9))
    (call $bool (call $exists (local.get $p) (local.get $len)))
    (local.set $area (call $alloc (i32.const 12) (i32.const 4)))
    (call $get_var (local.get $p) (local.get $len) (local.get $area))
    (call $out (local.get $p) (local.get $len))
    (call $out (i32.const 88) (i32.const 16))
    (call $bool (i32.load8_u (local.get $area))))

  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (call $check (i32.const 16) (i32.const 4))
    (call $check (i32.const 24) (i32.const 34))
    (call $check (i32.const 64) (i32.const 4))
    (call $ok_some (global.get $out_ptr) (global.get $out_len)))
)
