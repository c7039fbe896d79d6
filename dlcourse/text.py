"""Word-level tokenisation and a vocabulary that turns texts into padded id tensors and masks."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

import torch

# Lower-case words (letters and apostrophes) and every other non-space character on its own.
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[0-9]+|[^\sa-z0-9]")


def tokenize(text: str) -> list[str]:
    """Lower-case ``text`` and split it into words and single punctuation marks.

    >>> tokenize("Not bad, really!")
    ['not', 'bad', ',', 'really', '!']
    """
    return _TOKEN.findall(text.lower())


class Vocabulary:
    """A fixed mapping between tokens and integer ids.

    Ids 0, 1, 2 are reserved: ``pad_id`` fills the end of short texts in a batch,
    ``unk_id`` stands for a token never seen when the vocabulary was built, and
    ``mask_id`` hides tokens for masked language modelling. Ordinary tokens follow,
    most frequent first (ties in alphabetical order), so building is deterministic.
    """

    PAD, UNK, MASK = "<pad>", "<unk>", "<mask>"

    def __init__(self, tokens: Iterable[str]):
        self.itos: list[str] = [self.PAD, self.UNK, self.MASK]
        for token in tokens:
            if token not in self.itos:
                self.itos.append(token)
        self.stoi: dict[str, int] = {token: i for i, token in enumerate(self.itos)}
        self.pad_id, self.unk_id, self.mask_id = 0, 1, 2

    @classmethod
    def build(cls, texts: Iterable[str], min_count: int = 1) -> Vocabulary:
        """Every token that occurs at least ``min_count`` times in ``texts``."""
        counts = Counter(token for text in texts for token in tokenize(text))
        kept = sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))
        return cls(kept)

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str) -> list[int]:
        """The ids of ``text``'s tokens; unknown tokens become ``unk_id``."""
        return [self.stoi.get(token, self.unk_id) for token in tokenize(text)]

    def decode(self, ids: Iterable[int]) -> str:
        """Tokens joined by spaces, padding left out."""
        return " ".join(self.itos[int(i)] for i in ids if int(i) != self.pad_id)

    def encode_batch(self, texts: list[str], max_len: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Pad (or cut) every text to the same length.

        Returns ids, a LongTensor (N, T), with ``pad_id`` after each text's end, and
        mask, a BoolTensor (N, T), True at real tokens. T is the longest text's length,
        or ``max_len`` when given (longer texts keep their first ``max_len`` tokens).
        """
        encoded = [self.encode(text) for text in texts]
        length = max_len if max_len is not None else max((len(e) for e in encoded), default=0)
        ids = torch.full((len(texts), length), self.pad_id, dtype=torch.long)
        for row, tokens in enumerate(encoded):
            tokens = tokens[:length]
            ids[row, :len(tokens)] = torch.tensor(tokens, dtype=torch.long)
        return ids, ids != self.pad_id
