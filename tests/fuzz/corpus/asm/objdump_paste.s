0000000000000000 <prog>:
       0:	r0 = 2
       1:	if w1 s< w2 goto -2 <prog>
       2:	gotol +0
       3:	callx r3
       4:	exit
