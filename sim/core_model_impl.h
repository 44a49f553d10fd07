// SPDX-License-Identifier: MIT
// CoreModelImpl<V>: CoreModel over one Verilated configuration V of bpfnic_core (through its
// simulation top bpfnic_core_sim), in the modern Verilator idiom (a VerilatedContext owned with
// the model, FST on demand). Included only by the per-configuration translation units, which are
// part of the verilated target (so VM_TRACE_FST is visible here).
//
// Inputs: every setter only writes the model's input ports and notes that they changed; the next
// eval() toggles capture_i so bpfnic_core_sim loads them into the core (see
// sim/bpfnic_core_sim.sv). An eval() with no input change does not re-evaluate the logic they
// drive, which makes the falling-edge evaluation of each clock cycle nearly free.
#pragma once

#include <cstdlib>
#include <memory>
#include <type_traits>

#include <verilated.h>
#if VM_TRACE_FST
#include <verilated_fst_c.h>
#endif

#include "sim/core_model.h"

namespace bpfnic::sim {

/// Bits [lsb, lsb + width) of a Verilated signal (narrow integer or VlWide), width <= 64.
template <class T>
uint64_t sig_bits(const T& v, unsigned lsb, unsigned width) {
    uint64_t r;
    if constexpr (std::is_integral_v<T>) {
        r = static_cast<uint64_t>(v) >> lsb;
    } else {
        const unsigned w0 = lsb / 32, sh = lsb % 32;
        uint64_t lo = v[w0];
        uint64_t mid = (w0 + 1) * 32 < sizeof(v) * 8 ? static_cast<uint64_t>(v[w0 + 1]) : 0;
        uint64_t hi = (w0 + 2) * 32 < sizeof(v) * 8 ? static_cast<uint64_t>(v[w0 + 2]) : 0;
        r = (lo >> sh) | (mid << (32 - sh));
        if (sh) r |= hi << (64 - sh);
    }
    return width >= 64 ? r : (r & ((uint64_t{1} << width) - 1));
}

template <class V, unsigned LANES>
class CoreModelImpl final : public CoreModel {
public:
    CoreModelImpl() : ctx_(std::make_unique<VerilatedContext>()) {
        // Trace bookkeeping costs speed on every cycle: it is enabled only for models built while
        // BPFNIC_SIM_TRACE is set (then SimCtrl::trace_on can open an FST at any cycle).
        trace_enabled_ = std::getenv("BPFNIC_SIM_TRACE") != nullptr;
        ctx_->traceEverOn(trace_enabled_);
        model_ = std::make_unique<V>(ctx_.get(), "TOP");
    }
    ~CoreModelImpl() override {
        trace_close();
    }

    unsigned lanes() const override { return LANES; }

    void set_clock(bool level) override { model_->clk_i = level; }
    void set_reset_n(bool level) override { model_->rst_ni = level; }
    void eval() override {
        if (inputs_changed_) {
            model_->capture_i = !model_->capture_i;
            inputs_changed_ = false;
        }
        model_->eval();
    }
    bool trace_open(const std::string& path) override {
#if VM_TRACE_FST
        if (!trace_enabled_) return false;
        if (!fst_) {
            fst_ = std::make_unique<VerilatedFstC>();
            model_->trace(fst_.get(), 99);
            fst_->open(path.c_str());
        }
        return true;
#else
        (void)path;
        return false;
#endif
    }
    void trace_dump(uint64_t time) override {
#if VM_TRACE_FST
        if (fst_) fst_->dump(time);
#else
        (void)time;
#endif
    }
    void trace_close() override {
#if VM_TRACE_FST
        if (fst_) {
            fst_->close();
            fst_.reset();
        }
#endif
    }
    void finish() override { model_->final(); }

    void set_ctl(bool req, bool we, uint32_t addr, unsigned width_log2, uint64_t wdata) override {
        model_->ctl_req_i = req;
        model_->ctl_we_i = we;
        model_->ctl_addr_i = addr;
        model_->ctl_width_i = width_log2;
        model_->ctl_wdata_i = wdata;
        inputs_changed_ = true;
    }
    uint64_t ctl_rdata() const override { return model_->ctl_rdata_o; }

    void set_start(bool start, uint32_t entry, uint64_t r1, uint64_t r2) override {
        model_->start_i = start;
        model_->entry_pc_i = entry;
        model_->arg_r1_i = r1;
        model_->arg_r2_i = r2;
        inputs_changed_ = true;
    }
    void set_prog_len(uint32_t bundles) override {
        model_->prog_len_i = bundles;
        inputs_changed_ = true;
    }
    bool busy() const override { return model_->busy_o; }
    bool done() const override { return model_->done_o; }
    bool trapped() const override { return model_->trap_o; }
    unsigned trap_cause() const override { return model_->trap_cause_o; }
    uint64_t result() const override { return model_->result_o; }

    bool ext_request(ExtRequest& out) const override {
        if (!model_->ext_req_o) return false;
        out.write = model_->ext_we_o;
        out.atomic = model_->ext_atomic_o;
        out.atomic_op = model_->ext_atomic_op_o;
        out.addr = model_->ext_addr_o;
        out.width = static_cast<uint8_t>(1u << model_->ext_width_o);
        out.wdata = model_->ext_wdata_o;
        out.cmp = model_->ext_cmp_o;
        return true;
    }
    void set_ext_response(bool valid, uint64_t rdata, bool err) override {
        model_->ext_rvalid_i = valid;
        model_->ext_rdata_i = rdata;
        model_->ext_err_i = err;
        inputs_changed_ = true;
    }

    bool helper_request(int32_t& id, uint64_t args[5]) const override {
        if (!model_->helper_req_o) return false;
        id = static_cast<int32_t>(model_->helper_id_o);
        for (unsigned i = 0; i < 5; ++i) args[i] = sig_bits(model_->helper_args_o, 64 * i, 64);
        return true;
    }
    void set_helper_response(bool valid, uint64_t r0, bool exit, bool err) override {
        model_->helper_rvalid_i = valid;
        model_->helper_r0_i = r0;
        model_->helper_exit_i = exit;
        model_->helper_err_i = err;
        inputs_changed_ = true;
    }

    bool retire(unsigned lane, RetireRecord& r) const override {
        if (!sig_bits(model_->rvfi_valid_o, lane, 1)) return false;
        r.lane = lane;
        r.pc = static_cast<uint32_t>(sig_bits(model_->rvfi_pc_o, 32 * lane, 32));
        r.insn = sig_bits(model_->rvfi_insn_o, 64 * lane, 64);
        const unsigned dst = static_cast<unsigned>(sig_bits(model_->rvfi_dst_addr_o, 4 * lane, 4));
        r.dst_reg = dst == 15 ? -1 : static_cast<int>(dst);
        r.dst_value = sig_bits(model_->rvfi_dst_wdata_o, 64 * lane, 64);
        r.mem = sig_bits(model_->rvfi_mem_valid_o, lane, 1);
        r.mem_write = sig_bits(model_->rvfi_mem_write_o, lane, 1);
        r.mem_addr = sig_bits(model_->rvfi_mem_addr_o, 64 * lane, 64);
        r.mem_value = sig_bits(model_->rvfi_mem_data_o, 64 * lane, 64);
        r.mem_width = static_cast<uint8_t>(1u << sig_bits(model_->rvfi_mem_width_o, 2 * lane, 2));
        r.trap = static_cast<uint8_t>(sig_bits(model_->rvfi_trap_o, 4 * lane, 4));
        r.exited = sig_bits(model_->rvfi_exit_o, lane, 1);
        return true;
    }

    PerfCounters counters() const override {
        PerfCounters c;
        c.cycles = model_->cnt_cycles_o;
        c.bundles = model_->cnt_bundles_o;
        c.insns = model_->cnt_insns_o;
        c.stall_load_use = model_->cnt_stall_load_use_o;
        c.stall_div = model_->cnt_stall_div_o;
        c.stall_helper = model_->cnt_stall_helper_o;
        c.stall_ext = model_->cnt_stall_ext_o;
        c.stall_atomic = model_->cnt_stall_atomic_o;
        c.flushes = model_->cnt_flush_o;
        c.scrub = model_->cnt_scrub_o;
        c.packets = model_->cnt_packets_o;
        c.errors = model_->cnt_errors_o;
        return c;
    }

private:
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<V> model_;
    bool trace_enabled_ = false;
    bool inputs_changed_ = true;   ///< inputs written since the last capture
#if VM_TRACE_FST
    std::unique_ptr<VerilatedFstC> fst_;
#endif
};

}  // namespace bpfnic::sim
