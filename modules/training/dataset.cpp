#include "training/dataset.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "support/splitmix64.hpp"

namespace mrampim {

namespace {

std::uint32_t be32(const std::vector<unsigned char>& b, std::size_t at) {
  return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 | std::uint32_t(b[at + 2]) << 8 |
         std::uint32_t(b[at + 3]);
}

struct IdxFile {
  std::vector<std::uint32_t> dims;
  std::vector<unsigned char> bytes;  // the whole file
  std::size_t data_offset = 0;
};

IdxFile read_idx(const std::string& path, std::size_t want_dims) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DatasetError(path + ": cannot be opened (run scripts/setup.sh, which prepares the datasets, or pass "
                              "--data-dir)");
  }
  IdxFile f;
  f.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  const auto& b = f.bytes;
  if (b.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
    throw DatasetError(path + ": is gzip-compressed; unpack it (scripts/fetch_datasets.py does) and point at the "
                              "IDX file");
  }
  if (b.size() < 4 || b[0] != 0 || b[1] != 0 || b[2] != 0x08 || b[3] != want_dims) {
    throw DatasetError(path + ": not an IDX file of unsigned bytes with " + std::to_string(want_dims) +
                       " dimension(s) (bad magic number)");
  }
  const std::size_t header = 4 + 4 * want_dims;
  if (b.size() < header) throw DatasetError(path + ": truncated IDX header");
  std::size_t expected = 1;
  for (std::size_t d = 0; d < want_dims; ++d) {
    f.dims.push_back(be32(b, 4 + 4 * d));
    expected *= f.dims.back();
  }
  f.data_offset = header;
  const std::size_t have = b.size() - header;
  if (have != expected) {
    throw DatasetError(path + ": the header promises " + std::to_string(expected) + " bytes of data, the file has " +
                       std::to_string(have) + (have < expected ? " (truncated)" : " (bytes left over)"));
  }
  return f;
}

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

}  // namespace

Dataset Dataset::subset(const std::vector<std::size_t>& indices) const {
  Dataset d;
  d.name = name;
  d.rows = rows;
  d.cols = cols;
  d.pixels.reserve(indices.size() * pixels_per_image());
  d.labels.reserve(indices.size());
  for (std::size_t i : indices) {
    if (i >= size()) throw std::out_of_range("dataset " + name + ": no image " + std::to_string(i));
    d.pixels.insert(d.pixels.end(), image(i), image(i) + pixels_per_image());
    d.labels.push_back(labels[i]);
  }
  return d;
}

Dataset read_idx_pair(const std::string& images_path, const std::string& labels_path, const std::string& name) {
  const IdxFile images = read_idx(images_path, 3);
  const IdxFile labels = read_idx(labels_path, 1);
  if (images.dims[0] != labels.dims[0]) {
    throw DatasetError(images_path + " holds " + std::to_string(images.dims[0]) + " images but " + labels_path +
                       " holds " + std::to_string(labels.dims[0]) + " labels");
  }
  Dataset d;
  d.name = name;
  d.rows = images.dims[1];
  d.cols = images.dims[2];
  d.pixels.assign(images.bytes.begin() + std::ptrdiff_t(images.data_offset), images.bytes.end());
  d.labels.assign(labels.bytes.begin() + std::ptrdiff_t(labels.data_offset), labels.bytes.end());
  for (std::size_t i = 0; i < d.labels.size(); ++i) {
    if (d.labels[i] > 9) {
      throw DatasetError(labels_path + ": label " + std::to_string(i) + " is " + std::to_string(d.labels[i]) +
                         ", not a class 0..9");
    }
  }
  return d;
}

std::string default_data_dir() {
  if (const std::string d = env_or_empty("MRAMPIM_DATA_DIR"); !d.empty()) return d;
  if (const std::string x = env_or_empty("XDG_CACHE_HOME"); !x.empty()) return x + "/mrampim";
  return env_or_empty("HOME") + "/.cache/mrampim";
}

std::vector<std::string> dataset_names() { return {"mnist", "fashion-mnist"}; }

std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  SplitMix64 rng{seed};
  for (std::size_t i = n; i > 1; --i) {
    const std::size_t j = std::size_t(rng.next() % i);
    std::swap(v[i - 1], v[j]);
  }
  return v;
}

namespace {

std::vector<std::size_t> first_of(std::vector<std::size_t> v, std::size_t n) {
  v.resize(n);
  return v;
}

void check_count(const std::string& what, std::size_t want, std::size_t have, const std::string& dataset) {
  if (want == 0) throw DatasetError(dataset + ": " + what + " samples must be at least 1");
  if (want > have) {
    throw DatasetError(dataset + ": " + std::to_string(want) + " " + what + " samples asked for, only " +
                       std::to_string(have) + " available");
  }
}

}  // namespace

DataSplit load_split(const std::string& dataset, const std::string& data_dir, std::size_t train_samples,
                     std::size_t test_samples, std::uint64_t seed) {
  DataSplit s;
  if (dataset == "mnist") {
    s.train_images = s.test_images = data_dir + "/mnist/images-idx3-ubyte";
    s.train_labels = s.test_labels = data_dir + "/mnist/labels-idx1-ubyte";
    const Dataset all = read_idx_pair(s.train_images, s.train_labels, "mnist");
    check_count("training", train_samples, all.size(), dataset);
    check_count("test", test_samples, all.size() - train_samples, dataset + " (after the training samples)");
    const auto order = shuffled_indices(all.size(), seed);
    s.train_source = first_of(order, train_samples);
    s.test_source = std::vector<std::size_t>(order.begin() + std::ptrdiff_t(train_samples),
                                             order.begin() + std::ptrdiff_t(train_samples + test_samples));
    s.train = all.subset(s.train_source);
    s.test = all.subset(s.test_source);
    return s;
  }
  if (dataset == "fashion-mnist") {
    const std::string d = data_dir + "/fashion-mnist/";
    s.train_images = d + "train-images-idx3-ubyte";
    s.train_labels = d + "train-labels-idx1-ubyte";
    s.test_images = d + "t10k-images-idx3-ubyte";
    s.test_labels = d + "t10k-labels-idx1-ubyte";
    const Dataset train = read_idx_pair(s.train_images, s.train_labels, dataset);
    const Dataset test = read_idx_pair(s.test_images, s.test_labels, dataset);
    check_count("training", train_samples, train.size(), dataset);
    check_count("test", test_samples, test.size(), dataset);
    s.train_source = first_of(shuffled_indices(train.size(), seed), train_samples);
    s.test_source = first_of(shuffled_indices(test.size(), seed + 1), test_samples);
    s.train = train.subset(s.train_source);
    s.test = test.subset(s.test_source);
    return s;
  }
  throw DatasetError("unknown dataset '" + dataset + "' (known: mnist, fashion-mnist)");
}

std::vector<std::size_t> epoch_order(std::size_t samples, std::uint64_t seed, std::uint32_t epoch) {
  return shuffled_indices(samples, seed * 1000003u + epoch);
}

}  // namespace mrampim
