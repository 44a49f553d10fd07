// SPDX-License-Identifier: MIT
// bpfnic_pkg: shared constants of the bpfnic eBPF processor: eBPF opcode fields (RFC 9669
// encoding), the device address map, trap causes and small helper functions.

/**
 * Package of the bpfnic core. Every module names these items in full (bpfnic_pkg::CLS_ALU):
 * neither Yosys 0.23 nor Verilator-then-Yosys flows accept package imports.
 */
package bpfnic_pkg;

  // ---------------------------------------------------------------------------------------------
  // eBPF instruction classes (opcode[2:0])
  // ---------------------------------------------------------------------------------------------
  typedef enum logic [2:0] {
    CLS_LD    = 3'h0,
    CLS_LDX   = 3'h1,
    CLS_ST    = 3'h2,
    CLS_STX   = 3'h3,
    CLS_ALU   = 3'h4,
    CLS_JMP   = 3'h5,
    CLS_JMP32 = 3'h6,
    CLS_ALU64 = 3'h7
  } opclass_e;

  // ALU operations (opcode[7:4])
  typedef enum logic [3:0] {
    ALU_ADD  = 4'h0,
    ALU_SUB  = 4'h1,
    ALU_MUL  = 4'h2,
    ALU_DIV  = 4'h3,
    ALU_OR   = 4'h4,
    ALU_AND  = 4'h5,
    ALU_LSH  = 4'h6,
    ALU_RSH  = 4'h7,
    ALU_NEG  = 4'h8,
    ALU_MOD  = 4'h9,
    ALU_XOR  = 4'ha,
    ALU_MOV  = 4'hb,
    ALU_ARSH = 4'hc,
    ALU_END  = 4'hd
  } alu_op_e;

  // Jump operations (opcode[7:4])
  typedef enum logic [3:0] {
    JMP_JA   = 4'h0,
    JMP_JEQ  = 4'h1,
    JMP_JGT  = 4'h2,
    JMP_JGE  = 4'h3,
    JMP_JSET = 4'h4,
    JMP_JNE  = 4'h5,
    JMP_JSGT = 4'h6,
    JMP_JSGE = 4'h7,
    JMP_CALL = 4'h8,
    JMP_EXIT = 4'h9,
    JMP_JLT  = 4'ha,
    JMP_JLE  = 4'hb,
    JMP_JSLT = 4'hc,
    JMP_JSLE = 4'hd
  } jmp_op_e;

  // Memory access sizes (opcode[4:3]) and modes (opcode[7:5])
  typedef enum logic [1:0] {
    SIZE_W  = 2'h0,
    SIZE_H  = 2'h1,
    SIZE_B  = 2'h2,
    SIZE_DW = 2'h3
  } mem_size_e;

  typedef enum logic [2:0] {
    MODE_IMM    = 3'h0,
    MODE_ABS    = 3'h1,
    MODE_IND    = 3'h2,
    MODE_MEM    = 3'h3,
    MODE_MEMSX  = 3'h4,
    MODE_ATOMIC = 3'h6
  } mem_mode_e;

  // Atomic operations (imm field), fetch flag in bit 0
  localparam logic [7:0] ATOMIC_ADD     = 8'h00;
  localparam logic [7:0] ATOMIC_OR      = 8'h40;
  localparam logic [7:0] ATOMIC_AND     = 8'h50;
  localparam logic [7:0] ATOMIC_XOR     = 8'ha0;
  localparam logic [7:0] ATOMIC_XCHG    = 8'he1;
  localparam logic [7:0] ATOMIC_CMPXCHG = 8'hf1;

  // Access width as log2(bytes)
  typedef enum logic [1:0] {
    W1 = 2'd0,
    W2 = 2'd1,
    W4 = 2'd2,
    W8 = 2'd3
  } width_e;

  // ---------------------------------------------------------------------------------------------
  // Device address map (see docs/hardware.md)
  // ---------------------------------------------------------------------------------------------
  localparam logic [63:0] CTX_BASE   = 64'h0000_0000_0000_1000;  // struct xdp_md, 24 bytes
  localparam int unsigned CTX_BYTES  = 24;

  // Extension opcodes (docs/isa-extensions.md): encodings no RFC 9669 instruction uses.
  localparam logic [7:0] OPC_CTX_READ = 8'hf7;  // dst = context field imm (0..5)
  localparam logic [7:0] OPC_EXIT_IMM = 8'he5;  // r0 = sext(imm); exit
  localparam logic [7:0] OPC_JGT_ADD  = 8'hfd;  // if dst + sext(imm) > src (unsigned) goto +off
  localparam logic [7:0] OPC_MOV_WIDE = 8'hf4;  // dst = (u64)(u16)off << 32 | (u32)imm
  localparam logic [3:0] ALU_3OP      = 4'he;   // ALU/ALU64 class: dst = src OP (imm | r[imm])
  localparam logic [63:0] STACK_BASE = 64'h0000_0000_0001_0000;  // 8 frames of 512 bytes
  localparam int unsigned FRAME_BYTES = 512;
  localparam int unsigned MAX_FRAMES  = 8;
  localparam int unsigned STACK_BYTES = FRAME_BYTES * MAX_FRAMES;
  localparam logic [63:0] PKT_BASE   = 64'h0000_0000_0010_0000;  // packet frame buffer
  localparam int unsigned PKT_BYTES  = 16384;
  localparam logic [63:0] IMEM_BASE  = 64'h0000_0000_0020_0000;  // control port only
  localparam logic [63:0] EXT_BASE   = 64'h0000_0001_0000_0000;  // map values (map unit port)

  // ---------------------------------------------------------------------------------------------
  // Trap causes
  // ---------------------------------------------------------------------------------------------
  typedef enum logic [3:0] {
    TRAP_NONE       = 4'h0,
    TRAP_ILLEGAL    = 4'h1,  // opcode or field the core does not execute (or not in this lane)
    TRAP_MEM_OOB    = 4'h2,  // load/store outside every region or outside its bounds
    TRAP_CTX_WRITE  = 4'h3,  // store or atomic to the read-only context
    TRAP_CALL_DEPTH = 4'h4,  // bpf-to-bpf call beyond MAX_FRAMES
    TRAP_EXT_ERR    = 4'h5,  // the map unit refused the access
    TRAP_HELPER_ERR = 4'h6,  // the helper unit refused the call
    TRAP_PC_OOB     = 4'h7   // fetch outside the loaded program
  } trap_e;

  // ---------------------------------------------------------------------------------------------
  // One decoded slot (bpfnic_decoder), carried from decode to execute
  // ---------------------------------------------------------------------------------------------
  typedef struct packed {
    logic        valid;        // not a NOP slot
    logic        illegal;      // traps in execute
    logic [7:0]  opcode;
    logic [3:0]  dst;
    logic [3:0]  src;
    logic [15:0] off;
    logic [31:0] imm;
    logic        alu;          // single-cycle ALU operation
    logic        div;          // div/mod (multi-cycle divider)
    logic        is64;
    logic [3:0]  alu_op;
    logic        src_x;        // operand B from the source register
    logic        rd_dst;       // reads the destination register
    logic        rd_src;       // reads the source register
    logic        wr;           // writes a register
    logic [3:0]  wr_reg;
    logic        lddw;
    logic        load;
    logic        store;
    logic        atomic;
    logic [1:0]  width;        // log2 bytes
    logic        sx;           // sign-extending load
    logic        jmp;          // conditional or unconditional jump
    logic [3:0]  jmp_op;
    logic        jmp32;
    logic        call_helper;
    logic        call_local;
    logic        exit_;
    logic        ctx_rd;       // extension: operand B is a context register (CtxRead)
    logic        add_k;        // extension: operand A is dst + sign-extended imm (jgt with add)
  } decoded_t;

  // Width of decoded_t, spelled out: Yosys 0.23 has no $bits of a type (checked in bpfnic_decoder).
  localparam int unsigned DECODED_W = 99;

  // ---------------------------------------------------------------------------------------------
  // Functions
  // ---------------------------------------------------------------------------------------------

  // Bytes of an access of the given log2 width.
  function automatic logic [3:0] width_bytes(input logic [1:0] w);
    width_bytes = 4'd1 << w;
  endfunction

  // eBPF size field to log2 width.
  function automatic logic [1:0] size_to_width(input logic [1:0] size);
    // Literal encodings (SIZE_B = 2, SIZE_H = 1, SIZE_W = 0, SIZE_DW = 3): Yosys 0.23 does not
    // resolve enum members inside package functions.
    unique case (size)
      2'h2:    size_to_width = 2'd0;
      2'h1:    size_to_width = 2'd1;
      2'h0:    size_to_width = 2'd2;
      default: size_to_width = 2'd3;
    endcase
  endfunction

  // Zero- or sign-extends the low (1 << w) bytes of d.
  function automatic logic [63:0] extend(input logic [63:0] d, input logic [1:0] w, input logic sx);
    unique case (w)
      2'd0:    extend = sx ? {{56{d[7]}}, d[7:0]} : {56'h0, d[7:0]};
      2'd1:    extend = sx ? {{48{d[15]}}, d[15:0]} : {48'h0, d[15:0]};
      2'd2:    extend = sx ? {{32{d[31]}}, d[31:0]} : {32'h0, d[31:0]};
      default: extend = d;
    endcase
  endfunction

endpackage
