;; theater:simple/environment, as the upstream environment-test (Theater c95f8e90): exists("PATH"),
;; get-var("PATH"), exists("THEATER_TEST_NONEXISTENT_VAR_12345"), get-var(same), exists("HOME"),
;; get-var("HOME"); always returns ok(some(report)) with upstream's exact text:
;;   PATH exists: true\nPATH value is Some: true\nFake var exists: false\nFake var is None: true\n
;;   HOME exists: true\nHOME value is Some: true\nEnvironment tests passed!
;; (last line "Some environment tests failed!" when any answer differs from the one above).
(module
  (import "theater:simple/environment" "get-var" (func $get_var (param i32 i32 i32)))
  (import "theater:simple/environment" "exists" (func $exists (param i32 i32) (result i32)))
  ;; @prelude
  ;; @string path "PATH"
  ;; @string fake "THEATER_TEST_NONEXISTENT_VAR_12345"
  ;; @string home "HOME"
  ;; @string l_path_exists "PATH exists: "
  ;; @string l_path_some "PATH value is Some: "
  ;; @string l_fake_exists "Fake var exists: "
  ;; @string l_fake_none "Fake var is None: "
  ;; @string l_home_exists "HOME exists: "
  ;; @string l_home_some "HOME value is Some: "
  ;; @string true "true\n"
  ;; @string false "false\n"
  ;; @string passed "Environment tests passed!"
  ;; @string failed "Some environment tests failed!"

  ;; get-var(name) is some? (option<string> return area: disc @0, ptr @4, len @8)
  (func $is_some (param $p i32) (param $len i32) (result i32)
    (local $area i32)
    (local.set $area (call $alloc (i32.const 12) (i32.const 4)))
    (call $get_var (local.get $p) (local.get $len) (local.get $area))
    (i32.ne (i32.load8_u (local.get $area)) (i32.const 0)))

  ;; appends "<label><true|false>\n"
  (func $line (param $p i32) (param $len i32) (param $b i32)
    (call $out (local.get $p) (local.get $len))
    (if (local.get $b) (then (call $out {{true}})) (else (call $out {{false}}))))

  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (local $path_exists i32) (local $path_some i32) (local $fake_exists i32) (local $fake_none i32)
    (local $home_exists i32) (local $home_some i32)
    (local.set $path_exists (call $exists {{path}}))
    (local.set $path_some (call $is_some {{path}}))
    (local.set $fake_exists (call $exists {{fake}}))
    (local.set $fake_none (i32.eqz (call $is_some {{fake}})))
    (local.set $home_exists (call $exists {{home}}))
    (local.set $home_some (call $is_some {{home}}))
    (call $line {{l_path_exists}} (local.get $path_exists))
    (call $line {{l_path_some}} (local.get $path_some))
    (call $line {{l_fake_exists}} (local.get $fake_exists))
    (call $line {{l_fake_none}} (local.get $fake_none))
    (call $line {{l_home_exists}} (local.get $home_exists))
    (call $line {{l_home_some}} (local.get $home_some))
    (if (i32.and (i32.and (i32.and (local.get $path_exists) (local.get $path_some))
                          (i32.and (i32.eqz (local.get $fake_exists)) (local.get $fake_none)))
                 (i32.and (local.get $home_exists) (local.get $home_some)))
      (then (call $out {{passed}}))
      (else (call $out {{failed}})))
    (call $ok_some (global.get $out_ptr) (global.get $out_len)))
)
