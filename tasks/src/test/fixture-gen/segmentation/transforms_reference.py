#!/usr/bin/env python3
"""Reference outputs of the ADE20K training and test transforms, given the random values drawn.

Runs mmsegmentation v0.30.0's own Resize, RandomCrop, RandomFlip, PhotoMetricDistortion and Pad
(the training pipeline of InternVL's configs/_base_/datasets/ade20k_504x504.py, at a small scale),
InternVL's SETR_Resize and mmseg's ResizeToMultiple (its test pipeline), on small random images and
label maps, with numpy's global generator seeded per case. Every call to numpy.random is recorded
in order (function, arguments, value) so that the Java transforms can be given the same drawn
values. Images are stored as RGB; the reference works on the BGR arrays mmcv.imread returns, so each
image is flipped to BGR on the way in and back to RGB on the way out (the photometric distortion's
HSV conversions are cv2's BGR ones).

Besides the pipelines, plain mmcv resizes (bilinear, nearest, and an exact 2x bilinear downscale,
which cv2 computes as INTER_AREA) on odd sizes are recorded.

Usage (see README.md):
  /usr/bin/python3 transforms_reference.py --mmcv MMCV --mmseg MMSEG --internvl INTERNVL \
      > ../../resources/segmentation/transforms_reference.json
"""

import argparse
import base64
import json

import numpy as np

import standins

SCALE = (64, 16)  # the reference's (2016, 504), divided by 31.5
CROP = (16, 16)
RATIO = (0.5, 2.0)


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode('ascii')


def arr(a):
    return {'shape': list(a.shape), 'data': b64(a)}


class Recorder:
    """Wraps numpy.random's functions that the transforms call and records every value drawn."""

    NAMES = ('random_sample', 'randint', 'rand', 'uniform')

    def __init__(self):
        self.draws = []
        self.orig = {n: getattr(np.random, n) for n in self.NAMES}
        for n in self.NAMES:
            setattr(np.random, n, self._wrap(n))

    def _wrap(self, name):
        f = self.orig[name]

        def call(*args):
            v = f(*args)
            self.draws.append({'fn': name, 'args': [float(a) if isinstance(a, float) else int(a)
                                                    for a in args],
                               'value': float(v) if isinstance(v, float) else int(v)})
            return v

        return call

    def take(self):
        out, self.draws = self.draws, []
        return out


def image_and_labels(rng, h, w):
    """Smooth-ish colours (so HSV steps see varied hues) and blocky labels with some 255 and some
    pixels of a dominant class (so cat_max_ratio retries happen)."""
    img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    labels = np.zeros((h, w), np.uint8)
    for _ in range(rng.integers(1, 5)):
        y0, x0 = rng.integers(0, h), rng.integers(0, w)
        labels[y0:y0 + rng.integers(2, h), x0:x0 + rng.integers(2, w)] = rng.integers(1, 6)
    labels[rng.random((h, w)) < 0.05] = 255
    return img, labels


def train_case(t, rec, seed, rng):
    h, w = int(rng.integers(8, 30)), int(rng.integers(8, 30))
    img, labels = image_and_labels(rng, h, w)
    np.random.seed(seed)
    res = {'img': img[..., ::-1].copy(), 'gt_semantic_seg': labels.copy(),
           'seg_fields': ['gt_semantic_seg']}
    steps = {}
    res = t.Resize(img_scale=SCALE, ratio_range=RATIO)(res)
    steps['resize'] = {'draws': rec.take(), 'image': arr(res['img'][..., ::-1]),
                       'labels': arr(res['gt_semantic_seg'])}
    res = t.RandomCrop(crop_size=CROP, cat_max_ratio=0.75)(res)
    steps['crop'] = {'draws': rec.take(), 'image': arr(res['img'][..., ::-1]),
                     'labels': arr(res['gt_semantic_seg'])}
    res = t.RandomFlip(prob=0.5)(res)
    steps['flip'] = {'draws': rec.take(), 'image': arr(res['img'][..., ::-1]),
                     'labels': arr(res['gt_semantic_seg'])}
    res = t.PhotoMetricDistortion()(res)
    steps['photometric'] = {'draws': rec.take(), 'image': arr(res['img'][..., ::-1])}
    res = t.Pad(size=CROP, pad_val=0, seg_pad_val=255)(res)
    steps['pad'] = {'draws': rec.take(), 'labels': arr(res['gt_semantic_seg']),
                    'image_shape': list(res['img'].shape)}
    return {'seed': seed, 'image': arr(img), 'labels': arr(labels), 'steps': steps}


def photometric_case(t, rec, seed, rng, h, w):
    img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    np.random.seed(seed)
    res = t.PhotoMetricDistortion()({'img': img[..., ::-1].copy()})
    return {'seed': seed, 'image': arr(img), 'draws': rec.take(),
            'output': arr(res['img'][..., ::-1])}


def test_case(t, setr, rng, seed, divisor):
    h, w = int(rng.integers(6, 40)), int(rng.integers(6, 40))
    img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    res = {'img': img[..., ::-1].copy(), 'scale': SCALE}
    res = setr.SETR_Resize(keep_ratio=True, crop_size=CROP, setr_multi_scale=True)(res)
    resized = res['img'][..., ::-1].copy()
    res = t.ResizeToMultiple(size_divisor=divisor)(res)
    # the few-shot configs' test pipeline: a plain keep-ratio Resize to the same scale
    plain = t.Resize(keep_ratio=True)({'img': img[..., ::-1].copy(), 'scale': SCALE})
    return {'seed': seed, 'divisor': divisor, 'image': arr(img), 'setr_resized': arr(resized),
            'to_multiple': arr(res['img'][..., ::-1]),
            'keep_ratio_resized': arr(plain['img'][..., ::-1])}


def resize_cases(rng):
    import mmcv
    out = []
    sizes = [((7, 25), (46, 26)), ((33, 5), (32, 20)), ((21, 29), (38, 15)), ((20, 30), (10, 15)),
             ((9, 33), (34, 24)), ((24, 40), (12, 20)), ((3, 70), (5, 37)), ((16, 16), (16, 16))]
    for (h, w), (dh, dw) in sizes:
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        lab = rng.integers(0, 256, (h, w), dtype=np.uint8)
        out.append({'image': arr(img), 'labels': arr(lab), 'width': dw, 'height': dh,
                    'bilinear': arr(mmcv.imresize(img[..., ::-1], (dw, dh))[..., ::-1]),
                    'nearest': arr(mmcv.imresize(lab, (dw, dh), interpolation='nearest'))})
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--mmcv', required=True)
    p.add_argument('--mmseg', required=True)
    p.add_argument('--internvl', required=True)
    a = p.parse_args()
    standins.install(a.mmcv, a.mmseg)
    t = standins.load_transforms(a.mmseg)
    setr = standins.load_internvl_transforms(a.internvl)
    import cv2
    rec = Recorder()
    rng = np.random.default_rng(20260504)
    train = [train_case(t, rec, 1000 + i, rng) for i in range(16)]
    photometric = [photometric_case(t, rec, 2000 + i, rng, h, w)
                   for i, (h, w) in enumerate([(3, 70), (2, 33), (4, 31), (5, 64), (1, 97), (3, 40),
                                               (2, 70), (3, 45), (4, 70), (2, 90), (3, 66),
                                               (2, 36)])]
    test = [test_case(t, setr, rng, 3000 + i, d) for i, d in enumerate([7, 7, 14, 7, 7, 5, 7, 7])]
    # every branch of the random steps was taken at least once
    fns = [d for c in train for s in c['steps'].values() for d in s['draws']]
    fns += [d for c in photometric for d in c['draws']]
    crops_retried = sum(1 for c in train if len(c['steps']['crop']['draws']) > 2)
    assert crops_retried > 0, 'no case retried its crop for cat_max_ratio'
    assert any(d['fn'] == 'uniform' and d['args'] == [-32, 32] for d in fns)
    assert any(d['fn'] == 'randint' and d['args'] == [-18, 18] for d in fns)
    json.dump({
        'reference': {
            'mmsegmentation': 'v0.30.0 (ed839828760a5f6193822e0bf3492b88ae6140da)',
            'mmcv': 'v1.7.1 (7a13f995784087ace7cf17ae5f965b6190fe0aea), image/geometric.py and '
                    'image/colorspace.py',
            'internvl': 'segmentation/mmseg_custom/datasets/pipelines/transform.py',
            'opencv': cv2.__version__,
            'numpy': np.__version__,
        },
        'settings': {'scale': list(SCALE), 'ratio_range': list(RATIO), 'crop': list(CROP),
                     'cat_max_ratio': 0.75, 'flip_prob': 0.5},
        'train': train, 'photometric': photometric, 'test': test, 'resize': resize_cases(rng),
    }, fp=__import__('sys').stdout, indent=None, separators=(',', ':'))


if __name__ == '__main__':
    main()
