"""Tokenisation and the Vocabulary: deterministic ids, padding, masks, unknown tokens."""
from __future__ import annotations

import torch

from dlcourse.text import Vocabulary, tokenize


def test_tokenize_lowercases_and_splits_punctuation():
    assert tokenize("Not bad, REALLY! I don't") == ["not", "bad", ",", "really", "!", "i", "don't"]
    assert tokenize("  ") == []
    assert tokenize("price: 42") == ["price", ":", "42"]


def test_vocabulary_orders_by_frequency_then_alphabet_and_reserves_ids():
    vocab = Vocabulary.build(["b a a", "c b a"])
    assert vocab.itos == ["<pad>", "<unk>", "<mask>", "a", "b", "c"]
    assert (vocab.pad_id, vocab.unk_id, vocab.mask_id) == (0, 1, 2)
    assert len(vocab) == 6 and vocab.stoi["c"] == 5
    assert Vocabulary.build(["c b a", "b a a"]).itos == vocab.itos, "order of texts does not matter"
    assert Vocabulary.build(["b a a", "c b a"], min_count=2).itos == ["<pad>", "<unk>", "<mask>", "a", "b"]


def test_encode_decode_and_unknown_tokens():
    vocab = Vocabulary.build(["the kettle is great ."])
    ids = vocab.encode("The kettle is AWFUL.")
    assert ids[:3] == [vocab.stoi["the"], vocab.stoi["kettle"], vocab.stoi["is"]]
    assert ids[3] == vocab.unk_id and ids[4] == vocab.stoi["."]
    assert vocab.decode(ids + [vocab.pad_id]) == "the kettle is <unk> ."


def test_encode_batch_pads_cuts_and_masks():
    vocab = Vocabulary.build(["a b c d"])
    ids, mask = vocab.encode_batch(["a b", "a b c d", ""])
    assert ids.dtype == torch.long and mask.dtype == torch.bool and ids.shape == mask.shape == (3, 4)
    assert mask.sum(dim=1).tolist() == [2, 4, 0]
    assert (ids[~mask] == vocab.pad_id).all() and (ids[mask] != vocab.pad_id).all()
    cut, cut_mask = vocab.encode_batch(["a b c d", "a"], max_len=3)
    assert cut.shape == (2, 3) and cut[0].tolist() == vocab.encode("a b c")
    assert cut_mask.tolist() == [[True, True, True], [True, False, False]]
