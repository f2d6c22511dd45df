;; theater:simple/store: new() -> store id; store(id, "hello store") -> ref; get(id, ref) equals the
;; content; exists(id, ref) is true; label(id, "greeting", ref); get-by-label(id, "greeting") is
;; some(ref); list-labels(id) contains "greeting". Returns ok(some("store tests passed")), or err naming
;; the failed check.
(module
  (import "theater:simple/store" "new" (func $new (param i32)))
  (import "theater:simple/store" "store" (func $store (param i32 i32 i32 i32 i32)))
  (import "theater:simple/store" "get" (func $get (param i32 i32 i32 i32 i32)))
  (import "theater:simple/store" "exists" (func $exists (param i32 i32 i32 i32 i32)))
  (import "theater:simple/store" "label" (func $label (param i32 i32 i32 i32 i32 i32 i32)))
  (import "theater:simple/store" "get-by-label" (func $get_by_label (param i32 i32 i32 i32 i32)))
  (import "theater:simple/store" "list-labels" (func $list_labels (param i32 i32 i32)))
  ;; @prelude
  ;; @string content "hello store"
  ;; @string greeting "greeting"
  ;; @string passed "store tests passed"
  ;; @string e_new "store-test: new() returned an error"
  ;; @string e_store "store-test: store() returned an error"
  ;; @string e_get "store-test: get() did not return the stored content"
  ;; @string e_exists "store-test: exists() did not return ok(true)"
  ;; @string e_label "store-test: label() returned an error"
  ;; @string e_by_label "store-test: get-by-label() did not return some(the stored reference)"
  ;; @string e_list "store-test: list-labels() does not contain \"greeting\""

  ;; Return areas (align 4): result<string|content-ref|list<u8>|list<string>, string>: disc @0, ptr @4,
  ;; len @8; result<bool, string>: disc @0, bool @4; result<option<content-ref>, string>: disc @0,
  ;; option disc @4, hash ptr @8, len @12.
  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (local $a i32) (local $id i32) (local $idlen i32) (local $h i32) (local $hlen i32)
    (local $l i32) (local $n i32) (local $i i32) (local $found i32)
    (local.set $a (call $alloc (i32.const 16) (i32.const 4)))
    (call $new (local.get $a))
    (if (i32.load8_u (local.get $a)) (then (return (call $err {{e_new}}))))
    (local.set $id (i32.load offset=4 (local.get $a)))
    (local.set $idlen (i32.load offset=8 (local.get $a)))

    (call $store (local.get $id) (local.get $idlen) {{content}} (local.get $a))
    (if (i32.load8_u (local.get $a)) (then (return (call $err {{e_store}}))))
    (local.set $h (i32.load offset=4 (local.get $a)))
    (local.set $hlen (i32.load offset=8 (local.get $a)))

    (call $get (local.get $id) (local.get $idlen) (local.get $h) (local.get $hlen) (local.get $a))
    (if (i32.or (i32.load8_u (local.get $a))
                (i32.eqz (call $memeq (i32.load offset=4 (local.get $a)) (i32.load offset=8 (local.get $a)) {{content}})))
      (then (return (call $err {{e_get}}))))

    (call $exists (local.get $id) (local.get $idlen) (local.get $h) (local.get $hlen) (local.get $a))
    (if (i32.or (i32.load8_u (local.get $a)) (i32.eqz (i32.load8_u offset=4 (local.get $a))))
      (then (return (call $err {{e_exists}}))))

    (call $label (local.get $id) (local.get $idlen) {{greeting}} (local.get $h) (local.get $hlen) (local.get $a))
    (if (i32.load8_u (local.get $a)) (then (return (call $err {{e_label}}))))

    (call $get_by_label (local.get $id) (local.get $idlen) {{greeting}} (local.get $a))
    (if (i32.or (i32.or (i32.load8_u (local.get $a)) (i32.eqz (i32.load8_u offset=4 (local.get $a))))
                (i32.eqz (call $memeq (i32.load offset=8 (local.get $a)) (i32.load offset=12 (local.get $a)) (local.get $h) (local.get $hlen))))
      (then (return (call $err {{e_by_label}}))))

    ;; list<string>: n elements of (ptr @0, len @4)
    (call $list_labels (local.get $id) (local.get $idlen) (local.get $a))
    (if (i32.load8_u (local.get $a)) (then (return (call $err {{e_list}}))))
    (local.set $l (i32.load offset=4 (local.get $a)))
    (local.set $n (i32.load offset=8 (local.get $a)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (call $memeq (i32.load (i32.add (local.get $l) (i32.mul (local.get $i) (i32.const 8))))
                         (i32.load offset=4 (i32.add (local.get $l) (i32.mul (local.get $i) (i32.const 8))))
                         {{greeting}})
          (then (local.set $found (i32.const 1)) (br $done)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (if (i32.eqz (local.get $found)) (then (return (call $err {{e_list}}))))
    (call $ok_some {{passed}}))
)
