// A bank: a row of identical subarrays (each with its sense amplifiers,
// row and column decoders) and the internal transfer path that moves row
// data between them.
//
// Owns: the subarrays, one ledger account each ("<bank>.subarray<i>"), and
// the transfer path with its own account ("<bank>.transfer").
// Exposes: the subarrays by index, and row-parallel transfers of a column
// field between two subarrays.
// Costs: a transfer moves a b-bit field of every selected row in 2b cycles
// (facts sec. 4: "moving a b-bit value between neighbouring blocks takes 2b
// cycles, row-parallel"): per bit, one read step in the source (its sense
// amplifiers drive the path) and one write step in the destination, priced
// with the technology's read and write steps, energy per row moved. The
// path is shared by the bank's subarrays, so the cost does not depend on
// which two exchange data.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "circuit/array_circuit.hpp"
#include "ledger/cost_ledger.hpp"
#include "subarray/row_mask.hpp"
#include "subarray/subarray.hpp"
#include "tech/technology.hpp"

namespace mrampim {

// The transfer path's work, for a bank's own path or the platform's path
// between banks: copies columns [src_col, src_col + width) of the rows in
// `rows` from `from` into [dst_col, dst_col + width) of `to`, and charges
// `path` 2b cycles (per bit a read step and a write step on every moved row).
// The caller checks the fields (Bank::transfer says how).
void transfer_rows(const Subarray& from, Column src_col, Subarray& to, Column dst_col, std::uint16_t width,
                   const RowMask& rows, CostAccount& path);

// A field moved to other rows of the same subarray: rows
// [src_first, src_first + count), columns [src_col, src_col + width) into rows
// [dst_first, ...), columns [dst_col, ...). Rows are selected one at a time
// by the decoder, so this is row-serial: per row, one read step of the field
// and one write step (charged to `path`). The two fields must not overlap.
// Throws std::out_of_range for rows or columns outside the subarray, and
// std::invalid_argument for overlapping fields or a field over 64 columns.
void move_rows(Subarray& s, Column src_col, std::uint32_t src_first, Column dst_col, std::uint32_t dst_first,
               std::uint32_t count, std::uint16_t width, CostAccount& path);

class Bank {
 public:
  // Accounts open in `ledger` named after `name`. Throws
  // std::invalid_argument for zero subarrays.
  Bank(std::string name, const Technology& tech, std::uint32_t subarrays, CostLedger& ledger);
  Bank(const Bank&) = delete;
  Bank& operator=(const Bank&) = delete;

  const std::string& name() const { return name_; }
  const Technology& technology() const { return tech_; }
  std::uint32_t subarray_count() const { return std::uint32_t(subarrays_.size()); }
  Subarray& subarray(std::uint32_t i);
  const Subarray& subarray(std::uint32_t i) const;
  const CostAccount& transfer_account() const { return transfer_; }
  CostAccount& transfer_account() { return transfer_; }

  // Copies columns [src_col, src_col + width) of the rows in `rows` of
  // subarray `src` into columns [dst_col, dst_col + width) of the same rows
  // of subarray `dst` (src == dst moves within one subarray). Other rows and
  // columns keep their cells. Throws std::out_of_range for a subarray or
  // field outside the bank, std::invalid_argument for a mask of the wrong
  // size or overlapping fields in one subarray.
  void transfer(std::uint32_t src, Column src_col, std::uint32_t dst, Column dst_col, std::uint16_t width,
                const RowMask& rows);

  // Area of the subarrays and their peripherals (the technology's area keys).
  double area_um2() const { return double(subarray_count()) * ArrayCircuit(tech_).subarray_area_um2(); }

 private:
  std::string name_;
  Technology tech_;
  CostAccount& transfer_;
  std::deque<Subarray> subarrays_;  // stable addresses: the controller keeps references
};

}  // namespace mrampim
