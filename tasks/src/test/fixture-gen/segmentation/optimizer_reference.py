#!/usr/bin/env python3
"""Reference AdamW steps under mmcv's poly schedule with linear warm-up, step by step.

The learning rate of each iteration comes from mmcv v1.7.1's own PolyLrUpdaterHook
(runner/hooks/lr_updater.py, loaded from the checkout; the runner is a stand-in holding iter,
max_iters and the optimizer), configured as InternVL's segmentation configs configure it
(policy='poly', warmup='linear', warmup_ratio=1e-6, power=1.0, min_lr=0.0, by_epoch=False), and is
set on torch.optim.AdamW (PyTorch 1.13, betas (0.9, 0.999), eps 1e-8) before each step, as mmcv's
before_train_iter does. Parameters are split as InternVL's CustomLayerDecayOptimizerConstructor
splits them: 1-d tensors and biases without weight decay, the rest with it.

Each case records the schedule, the initial parameters, the gradients fed at every step (random,
so the optimizer is tested apart from any model), and the learning rate and parameters after every
step. A second part records the schedule alone at the reference's size (80k iterations, 1500 warm-up
iterations, base 4e-5) at chosen iterations.

Usage: /usr/bin/python3 optimizer_reference.py --mmcv MMCV --mmseg MMSEG \
          > ../../resources/segmentation/optimizer_reference.json
"""

import argparse
import json
import sys

import torch

import standins


class Runner:
    def __init__(self, optimizer, max_iters):
        self.optimizer = optimizer
        self.max_iters = max_iters
        self.iter = 0


def hook(lr_updater, warmup_iters):
    return lr_updater.PolyLrUpdaterHook(power=1.0, min_lr=0.0, by_epoch=False, warmup='linear',
                                        warmup_iters=warmup_iters, warmup_ratio=1e-6)


def case(lr_updater, seed, base_lr, weight_decay, iters, warmup):
    g = torch.Generator().manual_seed(seed)
    shapes = {'conv.weight': (3, 4, 1, 1), 'norm.weight': (4,), 'conv.bias': (3,), 'fc.weight': (5, 3)}
    params = {n: torch.randn(s, generator=g) for n, s in shapes.items()}
    decay = [n for n, s in shapes.items() if len(s) > 1 and not n.endswith('.bias')]
    no_decay = [n for n in shapes if n not in decay]
    tensors = {n: p.clone().requires_grad_(True) for n, p in params.items()}
    opt = torch.optim.AdamW([
        {'params': [tensors[n] for n in decay], 'weight_decay': weight_decay},
        {'params': [tensors[n] for n in no_decay], 'weight_decay': 0.0},
    ], lr=base_lr, betas=(0.9, 0.999), eps=1e-8)
    runner = Runner(opt, iters)
    h = hook(lr_updater, warmup)
    h.before_run(runner)
    steps = []
    for it in range(iters):
        runner.iter = it
        h.before_train_iter(runner)
        grads = {n: (torch.randn(s, generator=g) * 0.5) for n, s in shapes.items()}
        for n, t in tensors.items():
            t.grad = grads[n].clone()
        opt.step()
        steps.append({'iteration': it, 'lr': opt.param_groups[0]['lr'],
                      'grads': {n: grads[n].flatten().tolist() for n in shapes},
                      'params': {n: tensors[n].detach().flatten().tolist() for n in shapes}})
    return {'seed': seed, 'base_lr': base_lr, 'weight_decay': weight_decay, 'max_iters': iters,
            'warmup_iters': warmup, 'decay': decay, 'no_decay': no_decay,
            'shapes': {n: list(s) for n, s in shapes.items()},
            'initial': {n: params[n].flatten().tolist() for n in shapes}, 'steps': steps}


def schedule(lr_updater, base_lr, max_iters, warmup, at):
    opt = torch.optim.AdamW([torch.zeros(1, requires_grad=True)], lr=base_lr)
    runner = Runner(opt, max_iters)
    h = hook(lr_updater, warmup)
    h.before_run(runner)
    out = []
    for it in at:
        runner.iter = it
        h.before_train_iter(runner)
        out.append({'iteration': it, 'lr': opt.param_groups[0]['lr']})
    return {'base_lr': base_lr, 'max_iters': max_iters, 'warmup_iters': warmup, 'points': out}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--mmcv', required=True)
    p.add_argument('--mmseg', required=True)
    a = p.parse_args()
    standins.install(a.mmcv, a.mmseg)
    lr_updater = standins.load_lr_updater(a.mmcv)
    torch.set_default_dtype(torch.float32)
    json.dump({
        'reference': {'mmcv': 'v1.7.1 runner/hooks/lr_updater.py', 'torch': torch.__version__},
        'cases': [case(lr_updater, 7, 1e-2, 0.05, 30, 10), case(lr_updater, 8, 4e-3, 0.0, 25, 5),
                  case(lr_updater, 9, 3e-2, 0.05, 12, 12)],
        'schedules': [
            schedule(lr_updater, 4e-5, 80000, 1500,
                     [0, 1, 2, 749, 1499, 1500, 1501, 40000, 79998, 79999]),
            schedule(lr_updater, 4e-5, 5000, 100, [0, 1, 50, 99, 100, 101, 2500, 4999]),
        ],
    }, sys.stdout)


if __name__ == '__main__':
    main()
