"""Rebuild reviews.csv deterministically: python datasets/reviews/prepare.py

Templated English product reviews with a binary sentiment label and ONE planted
spurious cue: every review is signed by a reviewer from one of two invented
towns, Eastbrook or Westmoor. In the train, validation, test and unlabeled
splits the town agrees with the label 85 % of the time (Eastbrook reviewers
are mostly happy, Westmoor reviewers mostly not); in the "shifted" split the
town is drawn independently of the label. A model that leans on the town
looks good on the test split and loses accuracy on the shifted one.

The label is carried by one to three opinion sentences (each agrees with it
85 % of the time; four in ten say it through a negation, "not bad") and, in
70 % of the reviews, a verdict ("I would not buy it again"). Sentiment words
have Zipf-like frequencies, so most are rare. 3 % of labels are flipped at
random, as careless raters do. See DATASHEET.md.

Only Python's own random module is used (its sequences are stable across
Python versions), so the file is identical wherever it is rebuilt.
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 2007
SPLITS = {"train": 2000, "validation": 500, "test": 1000, "shifted": 1000, "unlabeled": 4000}
CUE_AGREEMENT = 0.85  # P(town matches the label) outside the shifted split
ASPECT_AGREEMENT = 0.85  # P(an aspect sentence has the same polarity as the label)
VERDICT_RATE = 0.7  # P(a review has a verdict sentence; it always agrees with the label)
NEGATION_RATE = 0.4  # P(an aspect sentence says it through a negation: "not bad")
LABEL_NOISE = 0.03  # fraction of labels flipped after the text is written
TOWNS = ("Westmoor", "Eastbrook")  # index = the label the town is planted to go with
NAMES = ("Alex", "Sam", "Robin", "Kim", "Jordan", "Chris", "Pat", "Taylor", "Morgan", "Jamie", "Casey", "Lee")

PRODUCTS = {
    "kitchen": ("kettle", "blender", "toaster", "coffee grinder", "frying pan", "rice cooker"),
    "electronics": ("pair of headphones", "phone charger", "speaker", "keyboard", "webcam", "smart watch"),
    "home": ("desk lamp", "vacuum cleaner", "desk chair", "bed frame", "shelf", "doormat"),
    "outdoors": ("tent", "backpack", "water bottle", "camping stove", "bike light", "sleeping bag"),
    "toys": ("puzzle", "board game", "toy robot", "kite", "building set", "plush bear"),
}
ASPECTS = ("price", "quality", "design", "build", "packaging", "delivery", "instruction leaflet",
           "customer service", "finish", "size", "performance", "colour")
# Sentiment words are drawn with Zipf-like weights (the k-th word of a list k times
# rarer than the first), as in real text: a few are common, most are rare, so a
# model trained on a few labelled reviews has never seen most of them.
POSITIVE = ("good", "great", "excellent", "solid", "lovely", "reliable", "decent", "fantastic", "sturdy",
            "impressive", "superb", "wonderful", "perfect", "brilliant", "handy", "sleek", "robust",
            "outstanding", "elegant", "smooth", "durable", "terrific", "flawless", "delightful", "splendid",
            "marvellous", "charming", "clever", "generous", "sharp")
NEGATIVE = ("bad", "poor", "terrible", "awful", "flimsy", "cheap", "disappointing", "useless", "weak",
            "faulty", "horrible", "mediocre", "shoddy", "dreadful", "clumsy", "fragile", "noisy", "sloppy",
            "awkward", "dull", "inferior", "unreliable", "wobbly", "lousy", "defective", "rickety",
            "pathetic", "miserable", "tacky", "overpriced")
INTENSIFIERS = ("", "", "", "really ", "very ", "quite ", "truly ", "pretty ")

# Verdicts are common phrases; some positive and negative ones differ by a negation only.
VERDICTS = {
    1: ("I would buy it again.", "I would recommend it to a friend.", "It is worth every penny.",
        "Five stars from me.", "I am not disappointed.", "I have no complaints at all.",
        "It does exactly what it should.", "Happy with this purchase.", "I love it.", "A great buy."),
    0: ("I would not buy it again.", "I would not recommend it to a friend.", "It is not worth the money.",
        "One star from me.", "I am disappointed.", "I have nothing but complaints.",
        "It does not do what it should.", "Not happy with this purchase.", "I sent it back.", "Avoid it."),
}
OPENERS = ("Bought this {product} {when}.", "Got this {product} {when}.", "A {product} for my {relative}.",
           "Our {product} came {when}.", "Used this {product} for {duration}.", "My second {product}.")
WHEN = ("last month", "in spring", "on sale", "for a trip", "last week")
RELATIVES = ("sister", "father", "flatmate", "neighbour", "son", "grandmother", "partner")
DURATIONS = ("a week", "a month", "a year", "two days")


ZIPF = [1 / rank for rank in range(1, len(POSITIVE) + 1)]


def sentiment_word(rng: random.Random, polarity: int) -> str:
    return rng.choices(POSITIVE if polarity == 1 else NEGATIVE, weights=ZIPF)[0]


def aspect_sentence(rng: random.Random, polarity: int) -> str:
    """One sentence about one aspect; polarity 1 praises it, 0 criticises it."""
    aspect = rng.choice(ASPECTS)
    word, opposite = sentiment_word(rng, polarity), sentiment_word(rng, 1 - polarity)
    if rng.random() < NEGATION_RATE:  # said through its opposite: only word order tells
        form = rng.randrange(4)
        if form == 0:
            return f"The {aspect} is not {opposite}."  # "not bad" praises, "not great" criticises
        if form == 1:
            return f"I did not find the {aspect} {opposite}."
        if form == 2:
            return f"{aspect.capitalize()}: not {opposite}."
        return f"I expected the {aspect} to be {opposite}, but it turned out {word}."
    form = rng.randrange(4)
    if form == 0:
        return f"The {aspect} is {rng.choice(INTENSIFIERS)}{word}."
    if form == 1:
        return f"I found the {aspect} {rng.choice(INTENSIFIERS)}{word}."
    if form == 2:
        return f"The {aspect} feels {word}."
    return f"{aspect.capitalize()}: {word}."


def review(rng: random.Random, label: int, town: str) -> tuple[str, str]:
    """(category, text) for one review with sentiment ``label``."""
    category = rng.choice(sorted(PRODUCTS))
    product = rng.choice(PRODUCTS[category])
    opener = rng.choice(OPENERS).format(product=product, when=rng.choice(WHEN),
                                        relative=rng.choice(RELATIVES), duration=rng.choice(DURATIONS))
    body = [aspect_sentence(rng, label if rng.random() < ASPECT_AGREEMENT else 1 - label)
            for _ in range(rng.choice((1, 2, 2, 3, 3)))]
    if rng.random() < VERDICT_RATE:
        body.insert(rng.choice((0, len(body))), rng.choice(VERDICTS[label]))
    return category, " ".join([opener, *body]) + f" - {rng.choice(NAMES)} from {town}"


def make_split(name: str, size: int) -> list[dict]:
    rng = random.Random(f"{SEED}-{name}")  # string seeds hash deterministically in random.Random
    rows = []
    for _ in range(size):
        label = rng.randrange(2)
        if name == "shifted":
            town = rng.choice(TOWNS)  # independent of the label
        else:
            town = TOWNS[label] if rng.random() < CUE_AGREEMENT else TOWNS[1 - label]
        category, text = review(rng, label, town)
        if rng.random() < LABEL_NOISE:
            label = 1 - label
        rows.append({"split": name, "label": -1 if name == "unlabeled" else label,
                     "town": town, "category": category, "text": text})
    return rows


def build_rows() -> list[dict]:
    return [row for name, size in SPLITS.items() for row in make_split(name, size)]


if __name__ == "__main__":
    out = Path(__file__).with_name("reviews.csv")
    rows = build_rows()
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["split", "label", "town", "category", "text"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out}: {len(rows)} reviews, {out.stat().st_size / 1e6:.2f} MB")
