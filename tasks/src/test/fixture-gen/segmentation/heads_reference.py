#!/usr/bin/env python3
"""Reference outputs of the segmentation heads with given weights.

Builds, from the reference files themselves (see standins.py for what the stand-ins supply):

* the linear-probing head: InternVL's FCNHead (segmentation/mmseg_custom/models/decode_heads/
  fcn_head.py) with num_convs=0, concat_input=False, dropout_ratio=0.0, with_norm=True, as
  configs/intern_vit_6b/linear_probing/*.py configures it;
* the head-tuning head: the up/down-sampling pyramid of InternVL's InternViT6B (with_fpn=True; the
  ViT itself is built tiny and never run), mmseg v0.30.0's UPerHead (pool scales 1, 2, 3, 6) and
  InternVL's FCNHead as the auxiliary head on pyramid level 1 (num_convs=1, loss weight 0.4), with
  configs/_base_/models/upernet_r50.py's settings and SyncBN (run as BatchNorm2d on one device, as
  mmcv's revert_sync_batchnorm does; SyncBN refuses CPU tensors in training mode);
* the full-tuning head: the same, with the auxiliary head on pyramid level 2 (the full-tuning config
  keeps upernet_r50.py's in_index=2).

Weights are random and non-trivial (conv weights N(0,1)/sqrt(fan_in), norm gains 1 + 0.2 N(0,1),
biases 0.1 N(0,1), running variances U(0.5, 1.5)). Each case records the weights under the
reference's state_dict names, the block features fed in, the eval-mode outputs (pyramid levels,
logits of each head) and the losses mmseg's BaseDecodeHead.losses computes from them against a
label map with ignored (255) pixels; and, in training mode (batch statistics; dropout set to 0 so
the outputs do not depend on a random generator), the total loss, every parameter's gradient and the
updated BatchNorm running statistics. The pyramid runs in float32 here (the reference casts the
backbone, pyramid included, to bfloat16).

Usage: /usr/bin/python3 heads_reference.py --mmcv MMCV --mmseg MMSEG --internvl INTERNVL \
          > ../../resources/segmentation/heads_reference.json
"""

import argparse
import base64
import contextlib
import json
import sys

import numpy as np
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


def randomize(module, g):
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if name.endswith('num_batches_tracked'):
                continue
            leaf = name.rsplit('.', 1)[-1]
            owner = module.get_submodule(name.rsplit('.', 1)[0]) if '.' in name else module
            if leaf == 'running_var':
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
            elif leaf == 'running_mean':
                t.copy_(0.1 * torch.randn(t.shape, generator=g))
            elif leaf == 'bias':
                t.copy_(0.1 * torch.randn(t.shape, generator=g))
            elif t.dim() == 1:
                t.copy_(1 + 0.2 * torch.randn(t.shape, generator=g))
            else:
                fan_in = t[0].numel() if not isinstance(owner, nn.ConvTranspose2d) else t.shape[0] * 4
                t.copy_(torch.randn(t.shape, generator=g) / np.sqrt(fan_in))


def labels(g, batch, side, classes):
    lab = torch.randint(0, classes, (batch, 1, side, side), generator=g)
    lab[torch.rand(lab.shape, generator=g) < 0.15] = 255
    return lab


def weights(module, prefix):
    return {prefix + k: enc(v) for k, v in module.state_dict().items()
            if not k.endswith('num_batches_tracked')}


def grads(module, prefix):
    return {prefix + n: enc(p.grad) for n, p in module.named_parameters() if p.grad is not None}


def running(module, prefix):
    return {prefix + k: enc(v) for k, v in module.state_dict().items()
            if k.endswith('running_mean') or k.endswith('running_var')}


def linear_case(ns, seed, channels, classes, grid, patch):
    g = torch.Generator().manual_seed(seed)

    def build():
        return revert_sync_bn(ns.FCNHead(in_channels=channels, channels=channels, num_convs=0,
                                         dropout_ratio=0.0, concat_input=False,
                                         num_classes=classes, with_norm=True, loss_decode=CE))

    head = build()
    randomize(head, g)
    x = torch.randn(2, channels, grid, grid, generator=g)
    lab = labels(g, 2, grid * patch, classes)
    w = weights(head, 'decode_head.')
    head.eval()
    with torch.no_grad():
        logits = head([x])
        losses = head.losses(logits, lab)
    train = build()
    train.load_state_dict(head.state_dict())
    train.train()
    out = train([x])
    loss = train.losses(out, lab)['loss_ce']
    loss.backward()
    return {'seed': seed, 'head': 'linear', 'channels': channels, 'classes': classes,
            'patch': patch, 'weights': w, 'blocks': [enc(x)], 'labels': enc(lab.float()),
            'eval': {'logits': enc(logits), 'loss': float(losses['loss_ce'])},
            'train': {'logits': enc(out), 'loss': float(loss), 'grads': grads(train, 'decode_head.'),
                      'running': running(train, 'decode_head.')}}


def upernet_case(ns, seed, channels, head_channels, classes, grid, patch, aux_index=1):
    g = torch.Generator().manual_seed(seed)
    with contextlib.redirect_stdout(sys.stderr):
        backbone = ns.InternViT6B(in_chans=3, patch_size=patch, img_size=grid * patch,
                                  pretrain_size=grid * patch, embed_dim=channels, num_heads=1,
                                  mlp_ratio=1, depth=1, use_flash_attn=False, with_cp=False,
                                  with_fpn=True, freeze_vit=True, out_indices=[0, 0, 0, 0],
                                  pretrained=None).float()
    pyramid = nn.ModuleDict({k: getattr(backbone, k) for k in ('up1', 'up2', 'up3', 'up4')})

    def build(dropout):
        decode = revert_sync_bn(ns.UPerHead(in_channels=[channels] * 4, in_index=[0, 1, 2, 3],
                                            pool_scales=(1, 2, 3, 6), channels=head_channels,
                                            dropout_ratio=dropout, num_classes=classes,
                                            norm_cfg=SYNC_BN, align_corners=False,
                                            loss_decode=CE))
        aux = revert_sync_bn(ns.FCNHead(in_channels=channels, in_index=aux_index,
                                        channels=head_channels,
                                        num_convs=1, concat_input=False, dropout_ratio=dropout,
                                        num_classes=classes, norm_cfg=SYNC_BN,
                                        align_corners=False,
                                        loss_decode=dict(CE, loss_weight=0.4)))
        return decode, aux

    decode, aux = build(0.1)
    for m in (pyramid, decode, aux):
        randomize(m, g)
    blocks = [torch.randn(2, channels, grid, grid, generator=g) for _ in range(4)]
    lab = labels(g, 2, grid * patch, classes)
    w = {**weights(pyramid, 'backbone.'), **weights(decode, 'decode_head.'),
         **weights(aux, 'auxiliary_head.')}

    def run(p, d, a):
        feats = [p['up1'](blocks[0]), p['up2'](blocks[1]), p['up3'](blocks[2]), p['up4'](blocks[3])]
        return feats, d(feats), a(feats)

    for m in (pyramid, decode, aux):
        m.eval()
    with torch.no_grad():
        feats, dl, al = run(pyramid, decode, aux)
        ld = decode.losses(dl, lab)['loss_ce']
        la = aux.losses(al, lab)['loss_ce']
    tdecode, taux = build(0.0)
    tdecode.load_state_dict(decode.state_dict())
    taux.load_state_dict(aux.state_dict())
    tpyr = nn.ModuleDict({k: getattr(backbone, k) for k in ('up1', 'up2', 'up3', 'up4')})
    for m in (tpyr, tdecode, taux):
        m.train()
    tfeats, tdl, tal = run(tpyr, tdecode, taux)
    total = tdecode.losses(tdl, lab)['loss_ce'] + taux.losses(tal, lab)['loss_ce']
    total.backward()
    return {'seed': seed, 'head': 'upernet', 'channels': channels, 'head_channels': head_channels,
            'aux_index': aux_index, 'classes': classes, 'patch': patch, 'weights': w, 'blocks': [enc(b) for b in blocks],
            'labels': enc(lab.float()),
            'eval': {'pyramid': [enc(f) for f in feats], 'logits': enc(dl), 'aux_logits': enc(al),
                     'loss': float(ld), 'aux_loss': float(la)},
            'train': {'logits': enc(tdl), 'aux_logits': enc(tal), 'loss': float(total),
                      'grads': {**grads(tpyr, 'backbone.'), **grads(tdecode, 'decode_head.'),
                                **grads(taux, 'auxiliary_head.')},
                      'running': {**running(tdecode, 'decode_head.'),
                                  **running(taux, 'auxiliary_head.')}}}


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--mmcv', required=True)
    p.add_argument('--mmseg', required=True)
    p.add_argument('--internvl', required=True)
    a = p.parse_args()
    standins.install(a.mmcv, a.mmseg)
    with contextlib.redirect_stdout(sys.stderr):
        ns = standins.load_heads(a.mmseg, a.internvl)
    torch.manual_seed(0)
    cases = [linear_case(ns, 11, 6, 5, 4, 7), linear_case(ns, 12, 4, 3, 5, 6),
             upernet_case(ns, 21, 6, 8, 5, 6, 7), upernet_case(ns, 22, 4, 6, 3, 4, 5),
             upernet_case(ns, 23, 4, 6, 3, 4, 5, aux_index=2)]
    json.dump({'reference': {'mmsegmentation': 'v0.30.0 decode_head.py, psp_head.py, uper_head.py, '
                                               'losses/cross_entropy_loss.py',
                             'internvl': 'segmentation/mmseg_custom/models/decode_heads/fcn_head.py,'
                                         ' models/backbones/intern_vit_6b.py (with_fpn pyramid)',
                             'torch': torch.__version__},
               'cases': cases}, sys.stdout)


if __name__ == '__main__':
    main()
