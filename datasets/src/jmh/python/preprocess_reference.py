#!/usr/bin/env python3
"""Images per second of the reference classification preprocessing, one thread.

PIL + torchvision, as the reference evaluation code preprocesses ImageNet: open a JPEG file and
convert it to RGB, resize the shorter side to 224 (bicubic), center crop 224, to a tensor,
normalize with ImageNet's mean and std. It times the files PreprocessBenchmark writes
(PreprocessCorpus: 16 JPEGs of 500x375) the way JMH times the Java side: 3 warm-up iterations and
5 measured iterations of 2 s each, images/s per iteration, the median reported.

    python3 preprocess_reference.py CORPUS_DIR [--json OUT.json]
"""
import argparse
import glob
import json
import os
import platform
import statistics
import sys
import time

import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms


def transform():
    return transforms.Compose(
        [
            transforms.Resize(224, interpolation=transforms.InterpolationMode.BICUBIC),
            transforms.CenterCrop(224),
            transforms.ToTensor(),
            transforms.Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)),
        ]
    )


def one(path, t):
    with open(path, "rb") as f:
        image = Image.open(f).convert("RGB")
    return t(image)


def iteration(files, t, seconds):
    """Images/s over one iteration of at least `seconds`, walking the files in order."""
    done = 0
    start = time.perf_counter()
    end = start + seconds
    now = start
    while now < end:
        one(files[done % len(files)], t)
        done += 1
        now = time.perf_counter()
    return done / (now - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="folder with the benchmark's JPEGs (img*.jpg)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up iterations (default 3)")
    parser.add_argument("--iterations", type=int, default=5, help="measured iterations (default 5)")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds an iteration (default 2)")
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args()

    files = sorted(glob.glob(os.path.join(args.corpus, "img*.jpg")))
    if not files:
        sys.exit(f"{args.corpus}: no img*.jpg files; run the JMH PreprocessBenchmark first (compare.sh does)")
    torch.set_num_threads(1)
    t = transform()
    shape = tuple(one(files[0], t).shape)
    if shape != (3, 224, 224):
        sys.exit(f"{files[0]}: preprocessed to {shape}, expected (3, 224, 224)")
    for _ in range(args.warmup):
        iteration(files, t, args.seconds)
    rates = [iteration(files, t, args.seconds) for _ in range(args.iterations)]
    result = {
        "benchmark": "PIL + torchvision decode + preprocess, 1 thread",
        "images_per_second": statistics.median(rates),
        "iterations": rates,
        "files": len(files),
        "pil": PIL.__version__,
        "torchvision": torchvision.__version__,
        "torch": torch.__version__,
        "python": platform.python_version(),
    }
    print(
        "PIL %s + torchvision %s, 1 thread: %.1f images/s (median of %s)"
        % (PIL.__version__, torchvision.__version__, result["images_per_second"],
           ", ".join("%.1f" % r for r in rates))
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
