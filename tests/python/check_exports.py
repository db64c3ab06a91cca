#!/usr/bin/env python3
"""Read fdsl exports with the tools training code uses, and check them against their manifests.

usage: check_exports.py WEBDATASET_DIR NPY_DIR
The two folders must hold the same dataset (same spec but --format): then the npy rows equal the
decoded PNGs of the tar shards, sample for sample. Needs: pip install webdataset numpy pillow.
"""
import json
import os
import sys

import numpy as np
import webdataset as wds


def manifest(root):
    with open(os.path.join(root, "manifest.json")) as f:
        m = json.load(f)
    assert m["complete"], f"{root}: manifest not complete"
    return m


def splits(spec):
    per_class = {"train": spec["instances"] - spec["val_per_class"], "val": spec["val_per_class"]}
    return {s: n * spec["categories"] for s, n in per_class.items() if n > 0}


def check_webdataset(root):
    m = manifest(root)
    spec = m["spec"]
    with open(os.path.join(root, "_info.json")) as f:
        info = json.load(f)
    expected = splits(spec)
    assert sorted(info["splits"]) == sorted(expected), info["splits"].keys()
    decoded = {}
    for split, count in expected.items():
        si = info["splits"][split]
        assert si["num_samples"] == count and sum(si["shard_lengths"]) == count, si
        urls = [os.path.join(root, f) for f in si["filenames"]]
        for f in si["filenames"]:
            assert f in m["files"], f"{f} not in the manifest"
        dataset = wds.WebDataset(urls, shardshuffle=False, empty_check=False).decode("l8")
        samples = []
        for sample in dataset:
            key, label, meta, image = sample["__key__"], int(sample["cls"]), sample["json"], sample["png"]
            assert "." not in key, key
            assert label == meta["class"] == int(key[:5]), (key, label, meta)
            assert meta["split"] == split and 0 <= label < spec["categories"], meta
            pixels = image  # "l8": the PNG decoded to a uint8 H x W array
            assert pixels.dtype == np.uint8 and pixels.shape == (spec["size"], spec["size"]), pixels.shape
            assert set(np.unique(pixels)) <= {0, 127}, np.unique(pixels)
            samples.append((label, pixels))
        assert len(samples) == count, (split, len(samples), count)
        classes = {label for label, _ in samples[: min(200, count)]}
        assert len(classes) > 1 or spec["categories"] == 1, "the first samples come from a single class"
        decoded[split] = samples
    return decoded


def check_npy(root, decoded):
    m = manifest(root)
    spec = m["spec"]
    size = spec["size"]
    for split, count in splits(spec).items():
        files = sorted(f for f in m["files"] if f.startswith(f"{split}/images-"))
        rows = 0
        for f in files:
            images = np.load(os.path.join(root, f), mmap_mode="r")
            labels = np.load(os.path.join(root, f.replace("images-", "labels-")), mmap_mode="r")
            assert isinstance(images, np.memmap) and images.dtype == np.uint8, (type(images), images.dtype)
            assert labels.dtype == np.int64 and images.shape == (len(labels), size, size), (images.shape, labels.shape)
            for i in range(len(labels)):
                label, pixels = decoded[split][rows + i]
                assert labels[i] == label, (f, i)
                assert np.array_equal(images[i], pixels), f"{f} row {i} differs from the tar's PNG"
            rows += len(labels)
        assert rows == count, (split, rows, count)
    return sum(splits(spec).values())


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    decoded = check_webdataset(sys.argv[1])
    n = check_npy(sys.argv[2], decoded)
    print(f"python readers: {n} samples read with webdataset and numpy, labels and pixels agree")


if __name__ == "__main__":
    main()
