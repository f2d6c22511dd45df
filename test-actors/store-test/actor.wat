;; theater:simple/store: new, store, get (same bytes), exists, label, get-by-label, list-labels.
(module
  (import "theater:simple/store" "new" (func $new (param i32)))
  (import "theater:simple/store" "store" (func $store (param i32 i32 i32 i32 i32)))
  (import "theater:simple/store" "get" (func $get (param i32 i32 i32 i32 i32)))
  (import "theater:simple/store" "exists" (func $exists (param i32 i32 i32 i32 i32)))
  (import "theater:simple/store" "label" (func $label (param i32 i32 i32 i32 i32 i32 i32)))
  (import "theater:simple/store" "get-by-label" (func $get_by_label (param i32 i32 i32 i32 i32)))
  (import "theater:simple/store" "list-labels" (func $list_labels (param i32 i32 i32)))
  ;; @prelude
  (data (i32.const 16) "hello store")          ;; 11
  (data (i32.const 32) "greeting")             ;; 8
  (data (i32.const 48) "store tests passed")   ;; 18
  (data (i32.const 80) "new() failed")                           ;; 12
  (data (i32.const 96) "store() failed")                         ;; 14
  (data (i32.const 112) "get() did not return the stored bytes") ;; 37
  (data (i32.const 160) "exists() did not say true")             ;; 25
  (data (i32.const 192) "label() failed")                        ;; 14
  (data (i32.const 208) "get-by-label() did not return the reference") ;; 43
  (data (i32.const 256) "list-labels() does not contain the label")    ;; 40

  (func (export "theater:simple/actor#init") (param i32 i32 i32) (result i32)
    (local $a i32) (local $id i32) (local $idlen i32) (local $h i32) (local $hlen i32) (local $l i32)
    (local.set $a (call $alloc (i32.const 16) (i32.const 4)))
    (call $new (local.get $a))
    (if (i32.load8_u (local.get $a)) (then (return (call $err (i32.const 80) (i32.const 12)))))
    (local.set $id (i32.load offset=4 (local.get $a)))
    (local.set $idlen (i32.load offset=8 (local.get $a)))
    (call $store (local.get $id) (local.get $idlen) (i32.const 16) (i32.const 11) (local.get $a))
    (if (i32.load8_u (local.get $a)) (then (return (call $err (i32.const 96) (i32.const 14)))))
    (local.set $h (i32.load offset=4 (local.get $a)))
    (local.set $hlen (i32.load offset=8 (local.get $a)))
    (call $get (local.get $id) (local.get $idlen) (local.get $h) (local.get $hlen) (local.get $a))
    (if (i32.or (i32.load8_u (local.get $a))
                (i32.eqz (call $memeq (i32.load offset=4 (local.get $a)) (i32.load offset=8 (local.get $a)) (i32.const 16) (i32.const 11))))
      (then (return (call $err (i32.const 112) (i32.const 37)))))
    (call $exists (local.get $id) (local.get $idlen) (local.get $h) (local.get $hlen) (local.get $a))
    (if (i32.or (i32.load8_u (local.get $a)) (i32.eqz (i32.load8_u offset=4 (local.get $a))))
      (then (return (call $err (i32.const 160) (i32.const 25)))))
    (call $label (local.get $id) (local.get $idlen) (i32.const 32) (i32.const 8) (local.get $h) (local.get $hlen) (local.get $a))
    (if (i32.load8_u (local.get $a)) (then (return (call $err (i32.const 192) (i32.const 14)))))
    (call $get_by_label (local.get $id) (local.get $idlen) (i32.const 32) (i32.const 8) (local.get $a))
    (if (i32.or (i32.or (i32.load8_u (local.get $a)) (i32.eqz (i32.load8_u offset=4 (local.get $a))))
                (i32.eqz (call $memeq (i32.load offset=8 (local.get $a)) (i32.load offset=12 (local.get $a)) (local.get $h) (local.get $hlen))))
      (then (return (call $err (i32.const 208) (i32.const 43)))))
    (call $list_labels (local.get $id) (local.get $idlen) (local.get $a))
    (if (i32.load8_u (local.get $a)) (then (return (call $err (i32.const 256) (i32.const 40)))))
    (if (i32.eqz (i32.load offset=8 (local.get $a))) (then (return (call $err (i32.const 256) (i32.const 40)))))
    (local.set $l (i32.load offset=4 (local.get $a)))
    (if (i32.eqz (call $memeq (i32.load (local.get $l)) (i32.load offset=4 (local.get $l)) (i32.const 32) (i32.const 8)))
      (then (return (call $err (i32.const 256) (i32.const 40)))))
    (call $ok_some (i32.const 48) (i32.const 18)))
)
