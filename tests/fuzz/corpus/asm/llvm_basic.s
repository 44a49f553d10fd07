r0 = 1
w0 += w1
r0 = *(u32 *)(r1 + 8)
*(u64 *)(r10 - 8) = r1
if r1 > 0x5 goto +1 <LBB0_2>
goto +0
r1 = 0x1122334455667788 ll
r1 = be16 r1
r0 = (s8)r1
lock *(u64 *)(r1 + 0) += r2
r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)
r0 = cmpxchg_64(r1 + 0, r0, r2)
r0 = *(u8 *)skb[12]
r1 = map_value[2]+8 ll
exit
