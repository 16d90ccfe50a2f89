#!/usr/bin/env python3
"""Reference optimiser of full tuning: InternVL's layer-decay optimiser constructor over a small
full-tuning segmentor, stepped under mmcv's poly schedule.

The segmentor has the parameters of configs/intern_vit_6b/full_tuning/*.py, named as mmseg's
EncoderDecoder names them: `backbone` is InternVL's InternViT6B (segmentation/mmseg_custom/models/
backbones/intern_vit_6b.py; freeze_vit=False, with_fpn=True, drop_path_rate=0.4; built small and
never run), `decode_head` mmseg v0.30.0's UPerHead, `auxiliary_head` InternVL's FCNHead on pyramid
level 2 (SyncBN reverted to BatchNorm2d). The optimiser is built as mmseg's train_segmentor builds
it, through mmcv v1.7.1's build_optimizer (runner/optimizer/builder.py) with InternVL's
CustomLayerDecayOptimizerConstructor (segmentation/mmcv_custom/layer_decay_optimizer_constructor.py,
a subclass of mmcv's own DefaultOptimizerConstructor, runner/optimizer/default_constructor.py) and
the config's settings: AdamW, lr 4e-5, betas (0.9, 0.999), weight decay 0.05, num_layers = depth,
layer_decay_rate 0.95. Every iteration sets the groups' learning rates with mmcv's
PolyLrUpdaterHook (warmup='linear', warmup_ratio=1e-6, power=1.0, min_lr=0.0, by_epoch=False), as
before_train_iter does, then steps AdamW with random gradients (the optimiser is tested apart from
any model).

Each case records every parameter (name, initial value with its shape, and the reference's group: layer id,
lr_scale, weight decay) and, per iteration, the learning rate each parameter's group runs at, the
gradients fed and every parameter after the step.

Usage: /usr/bin/python3 full_tuning_reference.py --mmcv MMCV --mmseg MMSEG --internvl INTERNVL \
          2>/dev/null > ../../resources/segmentation/full_tuning_reference.json
"""

import argparse
import base64
import contextlib
import json
import sys

import torch
import torch.nn as nn

import standins

CE = dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)
SYNC_BN = dict(type='SyncBN', requires_grad=True)


def enc(t):
    a = t.detach().to(torch.float32).contiguous().numpy()
    return {'shape': list(a.shape), 'data': base64.b64encode(a.astype('<f4').tobytes()).decode()}


def revert_sync_bn(module):
    """SyncBatchNorm -> BatchNorm2d with the same state (mmcv's revert_sync_batchnorm)."""
    for name, child in module.named_children():
        if isinstance(child, nn.SyncBatchNorm):
            bn = nn.BatchNorm2d(child.num_features, child.eps, child.momentum, child.affine,
                                child.track_running_stats)
            bn.load_state_dict(child.state_dict())
            setattr(module, name, bn)
        else:
            revert_sync_bn(child)
    return module


class Segmentor(nn.Module):
    """The attribute names of mmseg's EncoderDecoder, which name the parameters."""

    def __init__(self, backbone, decode_head, auxiliary_head):
        super().__init__()
        self.backbone = backbone
        self.decode_head = decode_head
        self.auxiliary_head = auxiliary_head


class Runner:
    def __init__(self, optimizer, max_iters):
        self.optimizer = optimizer
        self.max_iters = max_iters
        self.iter = 0


def case(ns, builder, lr_updater, seed, depth, channels, head_channels, classes, max_iters, warmup):
    g = torch.Generator().manual_seed(seed)
    with contextlib.redirect_stdout(sys.stderr):
        backbone = ns.InternViT6B(in_chans=3, patch_size=2, img_size=4, pretrain_size=4,
                                  embed_dim=channels, num_heads=2, mlp_ratio=2, depth=depth,
                                  drop_path_rate=0.4, use_flash_attn=False, with_cp=False,
                                  with_fpn=True, freeze_vit=False,
                                  out_indices=[0, depth // 2, depth // 2, depth - 1],
                                  pretrained=None).float()
    decode = revert_sync_bn(ns.UPerHead(in_channels=[channels] * 4, in_index=[0, 1, 2, 3],
                                        pool_scales=(1, 2, 3, 6), channels=head_channels,
                                        dropout_ratio=0.1, num_classes=classes, norm_cfg=SYNC_BN,
                                        align_corners=False, loss_decode=CE))
    aux = revert_sync_bn(ns.FCNHead(in_channels=channels, in_index=2, channels=head_channels,
                                    num_convs=1, concat_input=False, dropout_ratio=0.1,
                                    num_classes=classes, norm_cfg=SYNC_BN, align_corners=False,
                                    loss_decode=dict(CE, loss_weight=0.4)))
    model = Segmentor(backbone, decode, aux)
    named = dict(model.named_parameters())
    with torch.no_grad():
        for p in named.values():
            p.copy_(0.5 * torch.randn(p.shape, generator=g))
    initial = {n: p.detach().clone() for n, p in named.items()}
    with contextlib.redirect_stdout(sys.stderr):
        optimizer = builder.build_optimizer(model, dict(
            type='AdamW', lr=4e-5, betas=(0.9, 0.999), weight_decay=0.05,
            constructor='CustomLayerDecayOptimizerConstructor',
            paramwise_cfg=dict(num_layers=depth, layer_decay_rate=0.95)))
    group_of = {}
    for i, group in enumerate(optimizer.param_groups):
        for name in group['param_names']:
            group_of[name] = i
    params = []
    for name, p in named.items():
        group = optimizer.param_groups[group_of[name]]
        layer_id = int(group['group_name'].split('_')[1])
        params.append({'name': name, 'initial': enc(initial[name]),
                       'layer_id': layer_id, 'lr_scale': group['lr_scale'],
                       'weight_decay': group['weight_decay']})
    runner = Runner(optimizer, max_iters)
    hook = lr_updater.PolyLrUpdaterHook(power=1.0, min_lr=0.0, by_epoch=False, warmup='linear',
                                        warmup_iters=warmup, warmup_ratio=1e-6)
    hook.before_run(runner)
    steps = []
    for it in range(max_iters):
        runner.iter = it
        hook.before_train_iter(runner)
        grads = {n: 0.5 * torch.randn(p.shape, generator=g) for n, p in named.items()}
        for n, p in named.items():
            p.grad = grads[n].clone()
        optimizer.step()
        steps.append({'iteration': it,
                      'lr': {n: optimizer.param_groups[group_of[n]]['lr'] for n in named},
                      'grads': {n: enc(grads[n]) for n in named},
                      'params': {n: enc(p) for n, p in named.items()}})
    return {'seed': seed, 'depth': depth, 'channels': channels, 'head_channels': head_channels,
            'classes': classes, 'base_lr': 4e-5, 'weight_decay': 0.05, 'layer_decay_rate': 0.95,
            'max_iters': max_iters, 'warmup_iters': warmup, 'params': params, 'steps': steps}


def install_optimizer_builders(mmcv_root):
    """mmcv's runner/optimizer/builder.py and default_constructor.py, loaded from the checkout,
    with what their imports need beside the stand-ins (build_from_cfg, the norm base classes, an
    ext_loader without compiled ops, get_dist_info for one process)."""
    utils = sys.modules['mmcv.utils']

    def build_from_cfg(cfg, registry, default_args=None):
        cfg = dict(cfg)
        return registry.get(cfg.pop('type'))(**cfg)

    utils.build_from_cfg = build_from_cfg
    utils._BatchNorm = nn.modules.batchnorm._BatchNorm
    utils._InstanceNorm = nn.modules.instancenorm._InstanceNorm
    standins._module('mmcv.utils.ext_loader', check_ops_exist=lambda: False)
    optimizer_pkg = standins._module('mmcv.runner.optimizer')
    optimizer_pkg.__path__ = []
    builder = standins._load('mmcv.runner.optimizer.builder',
                             f'{mmcv_root}/mmcv/runner/optimizer/builder.py')
    default = standins._load('mmcv.runner.optimizer.default_constructor',
                             f'{mmcv_root}/mmcv/runner/optimizer/default_constructor.py')
    runner = sys.modules['mmcv.runner']
    runner.OPTIMIZER_BUILDERS = builder.OPTIMIZER_BUILDERS
    runner.DefaultOptimizerConstructor = default.DefaultOptimizerConstructor
    runner.get_dist_info = lambda: (0, 1)
    return builder


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--mmcv', required=True)
    p.add_argument('--mmseg', required=True)
    p.add_argument('--internvl', required=True)
    a = p.parse_args()
    standins.install(a.mmcv, a.mmseg)
    with contextlib.redirect_stdout(sys.stderr):
        ns = standins.load_heads(a.mmseg, a.internvl)
    lr_updater = standins.load_lr_updater(a.mmcv)
    builder = install_optimizer_builders(a.mmcv)
    standins._load('layer_decay_optimizer_constructor',
                   f'{a.internvl}/segmentation/mmcv_custom/layer_decay_optimizer_constructor.py')
    torch.set_default_dtype(torch.float32)
    json.dump({'reference': {'internvl': 'segmentation/mmcv_custom/layer_decay_optimizer_constructor.py,'
                                         ' mmseg_custom/models/backbones/intern_vit_6b.py,'
                                         ' mmseg_custom/models/decode_heads/fcn_head.py',
                             'mmcv': 'v1.7.1 runner/optimizer/builder.py, default_constructor.py,'
                                     ' runner/hooks/lr_updater.py',
                             'mmsegmentation': 'v0.30.0 decode_heads/uper_head.py',
                             'torch': torch.__version__},
               'cases': [case(ns, builder, lr_updater, 31, 3, 4, 2, 3, 6, 2),
                         case(ns, builder, lr_updater, 32, 2, 4, 2, 3, 4, 3)]}, sys.stdout)


if __name__ == '__main__':
    main()
