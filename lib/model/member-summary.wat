;; Tails and sums of model output rows, four rows at a time (one per SIMD lane).
;;
;; The JavaScript summarizer (member-summary.mjs) finds each row's few smallest and largest
;; members by insertion, a data-dependent branch per member; most of its time went to
;; mispredicted branches (~1 us per 100-member row). Here each member of four rows goes through
;; two branch-free min/max insertion networks of 8 slots with f32x4 lanes, and the row sums are
;; kept in f64 in member order, exactly as the JavaScript loop adds them, so results are
;; bit-identical to it (member-summary.test.ts checks). ~5x faster on the 2-core machines.
;;
;; Built into member-summary.wasm by `npm run build:wasm` (wabt); a test rebuilds it and
;; compares, so the two cannot drift apart.
;;
;; summarize(in, rows, m, loOut, hiOut, sumOut)
;;   in:     f32 [rows][m], rows a multiple of 4 (the caller pads with zeros)
;;   loOut:  f32 [rows/4][8][4]: for each group of four rows, the k-th smallest member of each
;;           (k = 0..7, +inf where m < k + 1), lane = row within the group
;;   hiOut:  f32 [rows/4][8][4]: the same for the k-th largest (-inf where missing)
;;   sumOut: f64 [rows]: each row's sum of members
;; Members must not be NaN (pmin/pmax would duplicate a slot); the caller redoes rows whose sum
;; is NaN in JavaScript.
(module
  (memory (export "memory") 1)
  (func (export "summarize") (param $in i32) (param $rows i32) (param $m i32) (param $loOut i32) (param $hiOut i32) (param $sumOut i32)
    (local $g i32) (local $j i32) (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $stride i32) (local $o i32)
    (local $v v128) (local $t v128) (local $x v128) (local $sa v128) (local $sb v128)
    (local $l0 v128) (local $l1 v128) (local $l2 v128) (local $l3 v128) (local $l4 v128) (local $l5 v128) (local $l6 v128) (local $l7 v128)
    (local $h0 v128) (local $h1 v128) (local $h2 v128) (local $h3 v128) (local $h4 v128) (local $h5 v128) (local $h6 v128) (local $h7 v128)
    ;; bytes per row
    (local.set $stride (i32.shl (local.get $m) (i32.const 2)))
    ;; $g: first row of the current group of four
    (block $done (loop $groups
      (br_if $done (i32.ge_u (local.get $g) (local.get $rows)))
      (local.set $p0 (i32.add (local.get $in) (i32.mul (local.get $g) (local.get $stride))))
      (local.set $p1 (i32.add (local.get $p0) (local.get $stride)))
      (local.set $p2 (i32.add (local.get $p1) (local.get $stride)))
      (local.set $p3 (i32.add (local.get $p2) (local.get $stride)))
      (local.set $l0 (f32x4.splat (f32.const inf)))
      (local.set $l1 (f32x4.splat (f32.const inf)))
      (local.set $l2 (f32x4.splat (f32.const inf)))
      (local.set $l3 (f32x4.splat (f32.const inf)))
      (local.set $l4 (f32x4.splat (f32.const inf)))
      (local.set $l5 (f32x4.splat (f32.const inf)))
      (local.set $l6 (f32x4.splat (f32.const inf)))
      (local.set $l7 (f32x4.splat (f32.const inf)))
      (local.set $h0 (f32x4.splat (f32.const -inf)))
      (local.set $h1 (f32x4.splat (f32.const -inf)))
      (local.set $h2 (f32x4.splat (f32.const -inf)))
      (local.set $h3 (f32x4.splat (f32.const -inf)))
      (local.set $h4 (f32x4.splat (f32.const -inf)))
      (local.set $h5 (f32x4.splat (f32.const -inf)))
      (local.set $h6 (f32x4.splat (f32.const -inf)))
      (local.set $h7 (f32x4.splat (f32.const -inf)))
      ;; $sa: sums of rows 0 and 1 of the group, $sb: rows 2 and 3
      (local.set $sa (v128.const i64x2 0 0))
      (local.set $sb (v128.const i64x2 0 0))
      (local.set $j (i32.const 0))
      (loop $members
        ;; member j of the four rows
        (local.set $v (v128.load32_zero (local.get $p0)))
        (local.set $v (v128.load32_lane 1 (local.get $p1) (local.get $v)))
        (local.set $v (v128.load32_lane 2 (local.get $p2) (local.get $v)))
        (local.set $v (v128.load32_lane 3 (local.get $p3) (local.get $v)))
        (local.set $sa (f64x2.add (local.get $sa) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $sb (f64x2.add (local.get $sb) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))
        ;; smallest: slot k keeps the smaller, the larger moves on to slot k + 1
        (local.set $t (local.get $v))
        (local.set $x (f32x4.pmin (local.get $l0) (local.get $t))) (local.set $t (f32x4.pmax (local.get $l0) (local.get $t))) (local.set $l0 (local.get $x))
        (local.set $x (f32x4.pmin (local.get $l1) (local.get $t))) (local.set $t (f32x4.pmax (local.get $l1) (local.get $t))) (local.set $l1 (local.get $x))
        (local.set $x (f32x4.pmin (local.get $l2) (local.get $t))) (local.set $t (f32x4.pmax (local.get $l2) (local.get $t))) (local.set $l2 (local.get $x))
        (local.set $x (f32x4.pmin (local.get $l3) (local.get $t))) (local.set $t (f32x4.pmax (local.get $l3) (local.get $t))) (local.set $l3 (local.get $x))
        (local.set $x (f32x4.pmin (local.get $l4) (local.get $t))) (local.set $t (f32x4.pmax (local.get $l4) (local.get $t))) (local.set $l4 (local.get $x))
        (local.set $x (f32x4.pmin (local.get $l5) (local.get $t))) (local.set $t (f32x4.pmax (local.get $l5) (local.get $t))) (local.set $l5 (local.get $x))
        (local.set $x (f32x4.pmin (local.get $l6) (local.get $t))) (local.set $t (f32x4.pmax (local.get $l6) (local.get $t))) (local.set $l6 (local.get $x))
        (local.set $l7 (f32x4.pmin (local.get $l7) (local.get $t)))
        ;; largest: slot k keeps the larger, the smaller moves on
        (local.set $t (local.get $v))
        (local.set $x (f32x4.pmax (local.get $h0) (local.get $t))) (local.set $t (f32x4.pmin (local.get $h0) (local.get $t))) (local.set $h0 (local.get $x))
        (local.set $x (f32x4.pmax (local.get $h1) (local.get $t))) (local.set $t (f32x4.pmin (local.get $h1) (local.get $t))) (local.set $h1 (local.get $x))
        (local.set $x (f32x4.pmax (local.get $h2) (local.get $t))) (local.set $t (f32x4.pmin (local.get $h2) (local.get $t))) (local.set $h2 (local.get $x))
        (local.set $x (f32x4.pmax (local.get $h3) (local.get $t))) (local.set $t (f32x4.pmin (local.get $h3) (local.get $t))) (local.set $h3 (local.get $x))
        (local.set $x (f32x4.pmax (local.get $h4) (local.get $t))) (local.set $t (f32x4.pmin (local.get $h4) (local.get $t))) (local.set $h4 (local.get $x))
        (local.set $x (f32x4.pmax (local.get $h5) (local.get $t))) (local.set $t (f32x4.pmin (local.get $h5) (local.get $t))) (local.set $h5 (local.get $x))
        (local.set $x (f32x4.pmax (local.get $h6) (local.get $t))) (local.set $t (f32x4.pmin (local.get $h6) (local.get $t))) (local.set $h6 (local.get $x))
        (local.set $h7 (f32x4.pmax (local.get $h7) (local.get $t)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $members (i32.lt_u (local.get $j) (local.get $m))))
      ;; 8 slots x 16 bytes per group: byte offset (g / 4) * 128 = g * 32
      (local.set $o (i32.shl (local.get $g) (i32.const 5)))
      (v128.store offset=0 (i32.add (local.get $loOut) (local.get $o)) (local.get $l0))
      (v128.store offset=16 (i32.add (local.get $loOut) (local.get $o)) (local.get $l1))
      (v128.store offset=32 (i32.add (local.get $loOut) (local.get $o)) (local.get $l2))
      (v128.store offset=48 (i32.add (local.get $loOut) (local.get $o)) (local.get $l3))
      (v128.store offset=64 (i32.add (local.get $loOut) (local.get $o)) (local.get $l4))
      (v128.store offset=80 (i32.add (local.get $loOut) (local.get $o)) (local.get $l5))
      (v128.store offset=96 (i32.add (local.get $loOut) (local.get $o)) (local.get $l6))
      (v128.store offset=112 (i32.add (local.get $loOut) (local.get $o)) (local.get $l7))
      (v128.store offset=0 (i32.add (local.get $hiOut) (local.get $o)) (local.get $h0))
      (v128.store offset=16 (i32.add (local.get $hiOut) (local.get $o)) (local.get $h1))
      (v128.store offset=32 (i32.add (local.get $hiOut) (local.get $o)) (local.get $h2))
      (v128.store offset=48 (i32.add (local.get $hiOut) (local.get $o)) (local.get $h3))
      (v128.store offset=64 (i32.add (local.get $hiOut) (local.get $o)) (local.get $h4))
      (v128.store offset=80 (i32.add (local.get $hiOut) (local.get $o)) (local.get $h5))
      (v128.store offset=96 (i32.add (local.get $hiOut) (local.get $o)) (local.get $h6))
      (v128.store offset=112 (i32.add (local.get $hiOut) (local.get $o)) (local.get $h7))
      (local.set $o (i32.add (local.get $sumOut) (i32.shl (local.get $g) (i32.const 3))))
      (v128.store (local.get $o) (local.get $sa))
      (v128.store offset=16 (local.get $o) (local.get $sb))
      (local.set $g (i32.add (local.get $g) (i32.const 4)))
      (br $groups)))
  )
)
