"""Check the shipped digits data: python datasets/digits/prepare.py

Nothing to rebuild: scikit-learn ships these 1,797 images (the UCI optdigits
test file) inside its wheel, and dlcourse.data.load_digits reads them from
there. This script checks that the installed copy is the one the course was
written against, by a SHA-256 fingerprint of its pixels and labels, and prints
a short summary. It exits with status 1 if the copy differs.
"""
import hashlib
import sys

import numpy as np

EXPECTED_SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"
EXPECTED_SHAPE = (1797, 64)


def read_source() -> tuple[np.ndarray, np.ndarray]:
    """Pixels (1797, 64) uint8 in 0..16 and labels (1797,) uint8, as scikit-learn ships them."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.data.astype(np.uint8), digits.target.astype(np.uint8)


def fingerprint(pixels: np.ndarray, labels: np.ndarray) -> str:
    """SHA-256 of the pixels' bytes followed by the labels' bytes (both uint8, C order)."""
    data = np.ascontiguousarray(pixels, dtype=np.uint8).tobytes()
    return hashlib.sha256(data + np.ascontiguousarray(labels, dtype=np.uint8).tobytes()).hexdigest()


if __name__ == "__main__":
    pixels, labels = read_source()
    print(f"{pixels.shape[0]} images of {pixels.shape[1]} pixels, values {pixels.min()}..{pixels.max()}")
    print("images per digit:", np.bincount(labels, minlength=10).tolist())
    found = fingerprint(pixels, labels)
    if pixels.shape != EXPECTED_SHAPE or found != EXPECTED_SHA256:
        print(f"the installed scikit-learn ships different digits data (sha256 {found});"
              " install the version pinned in requirements.txt")
        sys.exit(1)
    print("matches the copy the course was written against")
