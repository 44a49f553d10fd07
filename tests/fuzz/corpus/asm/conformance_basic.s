mov %r0, 1
add32 %r1, %r2
ldxdw %r0, [%r1+8]
stxw [%r10-4], %r1
jeq %r1, 5, out
lock fetch add [%r10-8], %r1
out:
exit
