lddw %r1, 0x1122334455667788
be16 %r1
bswap32 %r1
movsx832 %r0, %r1
sdiv %r0, 3
smod32 %r0, %r1
ja32 +1
call local f
exit
f:
call %r2
ldabsw 12
ldindh %r1, -4
exit
