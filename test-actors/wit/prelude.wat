  ;; ---- shared prelude (build.mjs puts it where an actor.wat says `;; @prelude`, after the imports) ----
  ;; Memory map: 0..16383 static data of the actor ((data (i32.const N) …) with N >= 16), heap from 16384.
  (memory (export "memory") 2)
  (global $heap (mut i32) (i32.const 16384))

  ;; bump allocator: cabi_realloc(old_ptr, old_size, align, new_size) -> ptr (never frees)
  (func $cabi_realloc (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
    (local $ptr i32) (local $end i32)
    (if (i32.eqz (local.get $new_size)) (then (return (local.get $align))))
    (local.set $ptr (i32.and
      (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
      (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $ptr) (local.get $new_size)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.lt_s
              (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (i32.mul (memory.size) (i32.const 65536))) (i32.const 16)) (i32.const 1)))
              (i32.const 0))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (if (local.get $old)
      (then (memory.copy (local.get $ptr) (local.get $old)
              (select (local.get $old_size) (local.get $new_size) (i32.lt_u (local.get $old_size) (local.get $new_size))))))
    (local.get $ptr))

  (func $alloc (param $size i32) (param $align i32) (result i32)
    (call $cabi_realloc (i32.const 0) (i32.const 0) (local.get $align) (local.get $size)))

  ;; Result writers for init's result<tuple<option<list<u8>>>, string> (16 bytes, align 4):
  ;; disc u8 @0; ok: option disc u8 @4, list ptr @8, len @12; err: string ptr @4, len @8.
  (func $ok_some (param $ptr i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 16) (i32.const 4)))
    (i32.store8 (local.get $r) (i32.const 0))
    (i32.store8 offset=4 (local.get $r) (i32.const 1))
    (i32.store offset=8 (local.get $r) (local.get $ptr))
    (i32.store offset=12 (local.get $r) (local.get $len))
    (local.get $r))
  (func $ok_none (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 16) (i32.const 4)))
    (i32.store8 (local.get $r) (i32.const 0))
    (i32.store8 offset=4 (local.get $r) (i32.const 0))
    (local.get $r))
  (func $err (param $ptr i32) (param $len i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 16) (i32.const 4)))
    (i32.store8 (local.get $r) (i32.const 1))
    (i32.store offset=4 (local.get $r) (local.get $ptr))
    (i32.store offset=8 (local.get $r) (local.get $len))
    (local.get $r))

  ;; 1 if memory[a..a+alen) equals memory[b..b+blen)
  (func $memeq (param $a i32) (param $alen i32) (param $b i32) (param $blen i32) (result i32)
    (if (i32.ne (local.get $alen) (local.get $blen)) (then (return (i32.const 0))))
    (call $starts_with (local.get $a) (local.get $alen) (local.get $b) (local.get $blen)))

  ;; 1 if memory[p..p+plen) starts with memory[s..s+slen)
  (func $starts_with (param $p i32) (param $plen i32) (param $s i32) (param $slen i32) (result i32)
    (local $i i32)
    (if (i32.lt_u (local.get $plen) (local.get $slen)) (then (return (i32.const 0))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $slen)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $s) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.const 1))

  ;; decimal digits at memory[p..p+len) (stops at the first non-digit; no digits: 0)
  (func $parse_u32 (param $p i32) (param $len i32) (result i32)
    (local $i i32) (local $n i32) (local $c i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $c (i32.sub (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 48)))
        (br_if $done (i32.gt_u (local.get $c) (i32.const 9)))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (local.get $c)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $n))

  ;; A text buffer for reports: $out appends memory[p..p+len) at $out_ptr + $out_len (4096 bytes max).
  (global $out_ptr (mut i32) (i32.const 0))
  (global $out_len (mut i32) (i32.const 0))
  (func $out (param $p i32) (param $len i32)
    (if (i32.eqz (global.get $out_ptr)) (then (global.set $out_ptr (call $alloc (i32.const 4096) (i32.const 1)))))
    (if (i32.gt_u (i32.add (global.get $out_len) (local.get $len)) (i32.const 4096)) (then unreachable))
    (memory.copy (i32.add (global.get $out_ptr) (global.get $out_len)) (local.get $p) (local.get $len))
    (global.set $out_len (i32.add (global.get $out_len) (local.get $len))))
  ;; ---- end of prelude ----

  ;; ---- messaging helpers (counter-actor, parent-actor, deferred-actor) ----
  ;; $fmt_u32: decimal text of n in a fresh buffer; returns its ptr, its length is left in $fmt_len.
  (global $fmt_len (mut i32) (i32.const 0))
  (func $fmt_u32 (param $n i32) (result i32)
    (local $buf i32) (local $i i32) (local $tmp i32) (local $len i32)
    (local.set $buf (call $alloc (i32.const 10) (i32.const 1)))
    (local.set $tmp (local.get $n))
    (local.set $len (i32.const 1))
    (block $d
      (loop $l
        (br_if $d (i32.lt_u (local.get $tmp) (i32.const 10)))
        (local.set $tmp (i32.div_u (local.get $tmp) (i32.const 10)))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (br $l)))
    (local.set $i (local.get $len))
    (local.set $tmp (local.get $n))
    (loop $w
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (i32.add (local.get $buf) (local.get $i)) (i32.add (i32.const 48) (i32.rem_u (local.get $tmp) (i32.const 10))))
      (local.set $tmp (i32.div_u (local.get $tmp) (i32.const 10)))
      (br_if $w (local.get $i)))
    (global.set $fmt_len (local.get $len))
    (local.get $buf))

  ;; handle-request's result<tuple<option<list<u8>>, tuple<option<list<u8>>>>, string> (28 bytes, align 4):
  ;; disc @0; state option disc @4, ptr @8, len @12; response option disc @16, ptr @20, len @24.
  (func $ok_response (param $sd i32) (param $sp i32) (param $sl i32) (param $rd i32) (param $rp i32) (param $rl i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 28) (i32.const 4)))
    (i32.store8 (local.get $r) (i32.const 0))
    (i32.store8 offset=4 (local.get $r) (local.get $sd))
    (i32.store offset=8 (local.get $r) (local.get $sp))
    (i32.store offset=12 (local.get $r) (local.get $sl))
    (i32.store8 offset=16 (local.get $r) (local.get $rd))
    (i32.store offset=20 (local.get $r) (local.get $rp))
    (i32.store offset=24 (local.get $r) (local.get $rl))
    (local.get $r))

  ;; handle-channel-open's result<tuple<option<list<u8>>, tuple<channel-accept>>, string> (32 bytes):
  ;; disc @0; state option @4/@8/@12; accepted @16; message option disc @20 (none here).
  (func $ok_accept (param $sd i32) (param $sp i32) (param $sl i32) (param $accepted i32) (result i32)
    (local $r i32)
    (local.set $r (call $alloc (i32.const 32) (i32.const 4)))
    (i32.store8 (local.get $r) (i32.const 0))
    (i32.store8 offset=4 (local.get $r) (local.get $sd))
    (i32.store offset=8 (local.get $r) (local.get $sp))
    (i32.store offset=12 (local.get $r) (local.get $sl))
    (i32.store8 offset=16 (local.get $r) (local.get $accepted))
    (i32.store8 offset=20 (local.get $r) (i32.const 0))
    (local.get $r))

  ;; result<tuple<option<list<u8>>>, string> keeping the given state (disc, ptr, len).
  (func $ok_state (param $sd i32) (param $sp i32) (param $sl i32) (result i32)
    (if (result i32) (local.get $sd) (then (call $ok_some (local.get $sp) (local.get $sl))) (else (call $ok_none))))
