#include "host/host_program.hpp"

#include <istream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <tuple>

#include "compute/fp_host_reference.hpp"
#include "compute/fp_value.hpp"

namespace mrampim {

namespace {

// The compute layer's column map (fp_operand_layout, docs/floating-point.md).
struct FpColumns {
  std::uint32_t a, b, c, result, width;
};
FpColumns fp_columns(FpOp op, const FpFormat& f) {
  const FpLayout l = fp_operand_layout(op, f, Rounding::Ieee);
  return {l.a.first, l.b.first, l.c.first, l.result.first, f.width()};
}

Opcode opcode_of(FpOp op) { return op == FpOp::Add ? Opcode::FpAdd : op == FpOp::Mul ? Opcode::FpMul : Opcode::FpMac; }

HostOp write_op(std::uint32_t bank, std::uint32_t sub, std::uint32_t row, std::uint32_t column, std::uint32_t width,
                std::uint64_t value, const std::string& what) {
  HostOp o;
  o.kind = HostOp::Kind::WriteField;
  o.bank = bank;
  o.subarray = sub;
  o.row = row;
  o.column = column;
  o.width = width;
  o.value = value;
  o.what = what;
  return o;
}

HostOp check_op(std::uint32_t bank, std::uint32_t sub, std::uint32_t row, std::uint32_t column, std::uint32_t width,
                std::uint64_t value, const std::string& what) {
  HostOp o = write_op(bank, sub, row, column, width, value, what);
  o.kind = HostOp::Kind::CheckField;
  return o;
}

HostOp issue_op(const Command& c, const std::string& what) {
  HostOp o;
  o.kind = HostOp::Kind::Issue;
  o.command = c;
  o.what = what;
  return o;
}

Command fp_command(FpOp op, const FpFormat& f, Rounding r, std::uint32_t bank, std::uint32_t sub, std::uint32_t first,
                   std::uint32_t count, std::uint32_t tag) {
  Command c;
  c.opcode = opcode_of(op);
  c.raw_opcode = std::uint8_t(c.opcode);
  c.format = f;
  c.rounding = r;
  c.bank = std::uint16_t(bank);
  c.subarray = std::uint16_t(sub);
  c.first_row = first;
  c.row_count = count;
  c.tag = tag;
  return c;
}

// Builds a program while keeping the host honest: a row is not written,
// nor a command issued over it, while an earlier command on it may still be
// running or its results are unchecked -- a barrier (and the checks) come first.
class HostProgramBuilder {
 public:
  explicit HostProgramBuilder(std::string name) { p_.name = std::move(name); }

  void touch(std::uint32_t bank, std::uint32_t sub, std::uint32_t first, std::uint32_t count) {
    for (const auto& r : in_flight_) {
      if (r.bank == bank && r.sub == sub && first < r.first + r.count && r.first < first + count) {
        barrier();
        return;
      }
    }
  }
  void write(const HostOp& o) { p_.ops.push_back(o); }
  void issue(const Command& c, const std::string& what, std::uint32_t touched_bank, std::uint32_t touched_sub) {
    p_.ops.push_back(issue_op(c, what));
    in_flight_.push_back({touched_bank, touched_sub, c.first_row, c.row_count});
  }
  void expect(const HostOp& check) { checks_.push_back(check); }
  void barrier() {
    HostOp b;
    b.kind = HostOp::Kind::Barrier;
    p_.ops.push_back(b);
    p_.ops.insert(p_.ops.end(), checks_.begin(), checks_.end());
    checks_.clear();
    in_flight_.clear();
  }
  void count_operations(std::uint64_t n) { p_.fp_operations += n; }
  HostProgram finish() {
    if (!in_flight_.empty() || !checks_.empty()) barrier();
    return std::move(p_);
  }

 private:
  struct Range {
    std::uint32_t bank, sub, first, count;
  };
  HostProgram p_;
  std::vector<Range> in_flight_;
  std::vector<HostOp> checks_;
};

// Where output o of a workload lives: rows fill subarray 0 of bank 0 first.
struct RowPlace {
  std::uint32_t bank, sub, row;
};
RowPlace place(std::uint64_t o, const PlatformShape& s) {
  const std::uint64_t sg = o / s.rows;
  return {std::uint32_t(sg / s.subarrays_per_bank), std::uint32_t(sg % s.subarrays_per_bank), std::uint32_t(o % s.rows)};
}

void check_capacity(std::uint64_t outputs, const PlatformShape& s, const char* what) {
  const std::uint64_t rows = std::uint64_t(s.banks) * s.subarrays_per_bank * s.rows;
  if (outputs == 0 || outputs > rows) {
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(outputs) + " outputs for " +
                                std::to_string(rows) + " rows (" + std::to_string(s.banks) + " banks x " +
                                std::to_string(s.subarrays_per_bank) + " subarrays x " + std::to_string(s.rows) +
                                " rows); give more banks or subarrays, or a smaller size");
  }
}

// A value near the range of neural-network data, in the format.
std::uint64_t random_value(std::mt19937_64& rng, const FpFormat& f) {
  return fp_from_double(f, std::uniform_real_distribution<double>(-1.0, 1.0)(rng));
}

// Issues `op` over every subarray holding outputs [0, outputs), one command each.
void issue_over(HostProgramBuilder& b, FpOp op, const FpFormat& f, Rounding r, std::uint64_t outputs,
                const PlatformShape& s, std::uint32_t& tag, const std::string& what) {
  for (std::uint64_t first = 0; first < outputs; first += s.rows) {
    const RowPlace p = place(first, s);
    const std::uint32_t count = std::uint32_t(std::min<std::uint64_t>(s.rows, outputs - first));
    b.issue(fp_command(op, f, r, p.bank, p.sub, 0, count, tag++), what, p.bank, p.sub);
  }
}

}  // namespace

HostProgram mac_workload(std::uint64_t count, const FpFormat& format, Rounding rounding, const PlatformShape& shape,
                         std::uint64_t seed) {
  check_capacity(count, shape, "mac workload");
  HostProgramBuilder b("mac");
  const FpColumns col = fp_columns(FpOp::Mac, format);
  std::mt19937_64 rng(seed);
  std::uint32_t tag = 1;
  for (std::uint64_t o = 0; o < count; ++o) {
    const RowPlace p = place(o, shape);
    const std::uint64_t a = random_value(rng, format), x = random_value(rng, format), c = random_value(rng, format);
    const std::string what = "mac " + std::to_string(o);
    b.write(write_op(p.bank, p.sub, p.row, col.a, col.width, a, what));
    b.write(write_op(p.bank, p.sub, p.row, col.b, col.width, x, what));
    b.write(write_op(p.bank, p.sub, p.row, col.c, col.width, c, what));
    if (rounding == Rounding::Ieee) {
      b.expect(check_op(p.bank, p.sub, p.row, col.result, col.width, fp_host_mac(format, c, a, x), what));
    }
  }
  issue_over(b, FpOp::Mac, format, rounding, count, shape, tag, "mac");
  b.count_operations(count);
  return b.finish();
}

HostProgram dot_workload(std::uint32_t count, std::uint32_t length, const FpFormat& format, Rounding rounding,
                         const PlatformShape& shape, std::uint64_t seed) {
  if (count == 0 || length == 0 || length > shape.rows) {
    throw std::invalid_argument("dot workload: " + std::to_string(count) + " products of length " +
                                std::to_string(length) + " (each must fit one subarray's " +
                                std::to_string(shape.rows) + " rows)");
  }
  const std::uint64_t per_subarray = shape.rows / length;
  const std::uint64_t subarrays = std::uint64_t(shape.banks) * shape.subarrays_per_bank;
  if (count > per_subarray * subarrays) {
    throw std::invalid_argument("dot workload: " + std::to_string(count) + " products of length " +
                                std::to_string(length) + " need more than the " + std::to_string(subarrays) +
                                " subarrays (" + std::to_string(per_subarray) + " per subarray)");
  }
  HostProgramBuilder b("dot " + std::to_string(count) + "x" + std::to_string(length));
  const FpColumns col = fp_columns(FpOp::Add, format);  // a, b, and the sum in [2w, 3w)
  std::mt19937_64 rng(seed);
  std::uint32_t tag = 1;
  for (std::uint32_t d = 0; d < count; ++d) {
    const std::uint64_t sg = d / per_subarray;
    const std::uint32_t bank = std::uint32_t(sg / shape.subarrays_per_bank);
    const std::uint32_t sub = std::uint32_t(sg % shape.subarrays_per_bank);
    const std::uint32_t first = std::uint32_t((d % per_subarray) * length);
    std::vector<std::uint64_t> a(length), x(length);
    const std::string what = "dot " + std::to_string(d);
    for (std::uint32_t i = 0; i < length; ++i) {
      a[i] = random_value(rng, format);
      x[i] = random_value(rng, format);
      b.write(write_op(bank, sub, first + i, col.a, col.width, a[i], what));
      b.write(write_op(bank, sub, first + i, col.b, col.width, x[i], what));
    }
    Command c = fp_command(FpOp::Add, format, rounding, bank, sub, first, length, tag++);
    c.opcode = Opcode::Dot;
    c.raw_opcode = std::uint8_t(Opcode::Dot);
    b.issue(c, what, bank, sub);
    if (rounding == Rounding::Ieee) {
      b.expect(check_op(bank, sub, first, col.result, col.width, fp_host_dot(format, a, x), what));
    }
  }
  b.count_operations(std::uint64_t(count) * length);
  return b.finish();
}

HostProgram gemm_workload(std::uint32_t m, std::uint32_t n, std::uint32_t k, const FpFormat& format, Rounding rounding,
                          const PlatformShape& shape, std::uint64_t seed) {
  if (m == 0 || n == 0 || k == 0) throw std::invalid_argument("gemm workload: m, n and k must be positive");
  const std::uint64_t outputs = std::uint64_t(m) * n;
  check_capacity(outputs, shape, "gemm workload");
  HostProgramBuilder b("gemm " + std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k));
  const FpColumns col = fp_columns(FpOp::Mac, format);
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> A(std::size_t(m) * k), B(std::size_t(k) * n), C(outputs, 0);  // C starts at +0
  for (auto& v : A) v = random_value(rng, format);
  for (auto& v : B) v = random_value(rng, format);
  std::uint32_t tag = 1;
  for (std::uint32_t kk = 0; kk < k; ++kk) {
    for (std::uint64_t o = 0; o < outputs; ++o) {
      const std::uint32_t i = std::uint32_t(o / n), j = std::uint32_t(o % n);
      const RowPlace p = place(o, shape);
      const std::string what = "C[" + std::to_string(i) + "][" + std::to_string(j) + "] round " + std::to_string(kk);
      b.write(write_op(p.bank, p.sub, p.row, col.a, col.width, A[std::size_t(i) * k + kk], what));
      b.write(write_op(p.bank, p.sub, p.row, col.b, col.width, B[std::size_t(kk) * n + j], what));
      if (kk == 0) b.write(write_op(p.bank, p.sub, p.row, col.c, col.width, 0, what));
      C[o] = fp_host_mac(format, C[o], A[std::size_t(i) * k + kk], B[std::size_t(kk) * n + j]);
    }
    issue_over(b, FpOp::Mac, format, rounding, outputs, shape, tag, "gemm round " + std::to_string(kk));
    // The result becomes the next round's addend: a move within each subarray.
    for (std::uint64_t first = 0; first < outputs; first += shape.rows) {
      const RowPlace p = place(first, shape);
      Command mv;
      mv.opcode = Opcode::Move;
      mv.raw_opcode = std::uint8_t(Opcode::Move);
      mv.bank = mv.dst_bank = std::uint16_t(p.bank);
      mv.subarray = mv.dst_subarray = std::uint16_t(p.sub);
      mv.first_row = 0;
      mv.row_count = std::uint32_t(std::min<std::uint64_t>(shape.rows, outputs - first));
      mv.src_col = std::uint16_t(col.result);
      mv.dst_col = std::uint16_t(col.c);
      mv.width = col.width;
      mv.tag = tag++;
      b.issue(mv, "gemm accumulate " + std::to_string(kk), p.bank, p.sub);
    }
    b.barrier();  // the next round writes these rows again
  }
  if (rounding == Rounding::Ieee) {
    for (std::uint64_t o = 0; o < outputs; ++o) {
      const RowPlace p = place(o, shape);
      b.expect(check_op(p.bank, p.sub, p.row, col.result, col.width, C[o],
                        "C[" + std::to_string(o / n) + "][" + std::to_string(o % n) + "]"));
    }
  }
  b.count_operations(outputs * k);
  return b.finish();
}

HostProgram read_trace(std::istream& in, const std::string& origin, const PlatformShape& shape) {
  HostProgramBuilder b(origin);
  std::string errors;
  std::size_t bad = 0;
  // The group of consecutive FP lines that becomes one command.
  struct Group {
    FpOp op;
    FpFormat format;
    Rounding rounding;
    std::uint32_t bank, sub, first, count;
    std::vector<HostOp> writes, checks;
    std::size_t line;
  };
  std::optional<Group> group;
  std::uint32_t tag = 1;
  auto flush = [&] {
    if (!group) return;
    b.touch(group->bank, group->sub, group->first, group->count);
    for (const HostOp& w : group->writes) b.write(w);
    b.issue(fp_command(group->op, group->format, group->rounding, group->bank, group->sub, group->first,
                       group->count, tag++),
            origin + ":" + std::to_string(group->line), group->bank, group->sub);
    for (const HostOp& c : group->checks) b.expect(c);
    b.count_operations(group->count);
    group.reset();
  };
  std::string text;
  for (std::size_t number = 1; std::getline(in, text); ++number) {
    std::istringstream ls(text.substr(0, text.find('#')));
    std::vector<std::string> t;
    for (std::string tok; ls >> tok;) t.push_back(tok);
    if (t.empty()) continue;
    const std::string where = origin + ":" + std::to_string(number);
    auto fail = [&](const std::string& problem) {
      errors += where + ": error: " + problem + "\n";
      ++bad;
    };
    auto number_at = [&](std::size_t i, const char* what, std::uint64_t limit, std::uint32_t& out) {
      char* end = nullptr;
      const unsigned long long v = std::strtoull(t[i].c_str(), &end, 10);
      if (t[i].empty() || *end != '\0' || t[i][0] == '-' || v >= limit) {
        fail(std::string(what) + " '" + t[i] + "' is not a number below " + std::to_string(limit));
        return false;
      }
      out = std::uint32_t(v);
      return true;
    };
    try {
      if (t[0] == "wait") {
        if (t.size() != 1) {
          fail("'wait' takes nothing after it");
          continue;
        }
        flush();
        b.barrier();
      } else if (t[0] == "move") {
        if (t.size() != 10) {
          fail("move takes 9 fields: bank subarray first_row count src_col dst_bank dst_subarray dst_col width");
          continue;
        }
        Command mv;
        mv.opcode = Opcode::Move;
        mv.raw_opcode = std::uint8_t(Opcode::Move);
        std::uint32_t f[9];
        const char* names[9] = {"bank", "subarray", "first row", "row count", "source column", "destination bank",
                                "destination subarray", "destination column", "width"};
        bool ok = true;
        for (std::size_t i = 0; i < 9 && ok; ++i) ok = number_at(i + 1, names[i], std::uint64_t{1} << 32, f[i]);
        if (!ok) continue;
        mv.bank = std::uint16_t(f[0]);
        mv.subarray = std::uint16_t(f[1]);
        mv.first_row = f[2];
        mv.row_count = f[3];
        mv.src_col = std::uint16_t(f[4]);
        mv.dst_bank = std::uint16_t(f[5]);
        mv.dst_subarray = std::uint16_t(f[6]);
        mv.dst_col = std::uint16_t(f[7]);
        mv.width = f[8];
        if (f[0] > 0xffff || f[1] > 0xffff || f[4] > 0xffff || f[5] > 0xffff || f[6] > 0xffff || f[7] > 0xffff) {
          fail("a bank, subarray or column past 65535");
          continue;
        }
        const CommandError e = validate(mv, shape);
        if (e != CommandError::None) {
          fail(std::string("move: ") + to_string(e));
          continue;
        }
        flush();
        b.touch(mv.dst_bank, mv.dst_subarray, mv.first_row, mv.row_count);
        mv.tag = tag++;
        b.issue(mv, where, mv.dst_bank, mv.dst_subarray);
      } else if (t[0] == "add" || t[0] == "mul" || t[0] == "mac") {
        const FpOp op = t[0] == "add" ? FpOp::Add : t[0] == "mul" ? FpOp::Mul : FpOp::Mac;
        const std::size_t want = op == FpOp::Mac ? 9 : 8;
        if (t.size() != want) {
          fail(t[0] + " takes " + std::to_string(want - 1) + " fields: format rounding bank subarray row a b" +
               (op == FpOp::Mac ? " c" : ""));
          continue;
        }
        const FpFormat format = FpFormat::parse(t[1]);
        const Rounding rounding = parse_rounding(t[2]);
        std::uint32_t bank = 0, sub = 0, row = 0;
        if (!number_at(3, "bank", shape.banks, bank) || !number_at(4, "subarray", shape.subarrays_per_bank, sub) ||
            !number_at(5, "row", shape.rows, row)) {
          continue;
        }
        std::uint64_t v[3] = {0, 0, 0};
        for (std::size_t i = 0; i + 6 < want; ++i) v[i] = parse_fp_operand(format, t[6 + i]);
        const FpColumns col = fp_columns(op, format);
        if (col.result + col.width > shape.cols) {
          fail(t[0] + " " + format.name() + " needs more than the row's " + std::to_string(shape.cols) + " columns");
          continue;
        }
        const bool extends = group && group->op == op && group->format == format && group->rounding == rounding &&
                             group->bank == bank && group->sub == sub && group->first + group->count == row;
        if (!extends) {
          flush();
          group = Group{op, format, rounding, bank, sub, row, 0, {}, {}, number};
        }
        ++group->count;
        group->writes.push_back(write_op(bank, sub, row, col.a, col.width, v[0], where));
        group->writes.push_back(write_op(bank, sub, row, col.b, col.width, v[1], where));
        if (op == FpOp::Mac) group->writes.push_back(write_op(bank, sub, row, col.c, col.width, v[2], where));
        if (rounding == Rounding::Ieee) {
          const std::uint64_t want_value = op == FpOp::Add   ? fp_host_add(format, v[0], v[1])
                                           : op == FpOp::Mul ? fp_host_mul(format, v[0], v[1])
                                                             : fp_host_mac(format, v[2], v[0], v[1]);
          group->checks.push_back(check_op(bank, sub, row, col.result, col.width, want_value, where));
        }
      } else {
        fail("unknown item '" + t[0] + "': use add, mul, mac, move or wait");
      }
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
  }
  if (in.bad()) throw TraceError(origin + ": read error");
  if (bad > 0) throw TraceError(errors + origin + ": error: " + std::to_string(bad) + " bad line(s); nothing was run");
  flush();
  HostProgram p = b.finish();
  if (p.ops.empty()) throw TraceError(origin + ": error: the trace holds nothing to run");
  return p;
}

}  // namespace mrampim
