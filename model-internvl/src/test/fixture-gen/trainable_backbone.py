#!/usr/bin/env python3
"""Builds the fine-tuning fixtures of the TrainableBackbone capability from InternVL's segmentation code (the
backbone the paper's ADE20K full tuning trains, and its optimizer constructor) and timm's DropPath:

* drop-path/: a tiny InternViT6B (segmentation/mmseg_custom/models/backbones/intern_vit_6b.py) built at a larger
  input than its checkpoint, so that the reference resizes the position table when it loads it; a training
  forward with drop path (timm 0.9.12's DropPath, the version requirements/internvl_chat.txt pins), the per-sample
  masks it drew, the outputs of two blocks, and the gradients of a scalar loss with respect to the pixels and
  every parameter; the same blocks in eval mode;
* layer-decay.json: the parameter groups that segmentation/mmcv_custom/layer_decay_optimizer_constructor.py
  (CustomLayerDecayOptimizerConstructor) makes for a 48-block InternViT6B with its FPN and a head, with the full
  tuning config's settings (lr 4e-5, weight decay 0.05, num_layers 48, layer_decay_rate 0.95);
* drop-path-rates.json: the drop probability InternViT6B gives each block (torch.linspace) for a few depths.

Usage (PyTorch 1.13 on CPU, Debian 12's python3-torch), from this folder:

    /usr/bin/python3 trainable_backbone.py --reference /path/to/InternVL --timm /path/to/pytorch-image-models \\
        --out ../resources/trainable-backbone

--reference is a checkout of github.com/OpenGVLab/InternVL at 2410d1dbf208f0e799459aff9376e5747dbf41a2 (only
segmentation/ is read), --timm one of github.com/huggingface/pytorch-image-models at tag v0.9.12 (only
timm/layers/{drop,helpers,weight_init}.py are read). Every layer that runs is reference code. Stand-ins (this
file) supply only what the imports need: mmcv.runner's BaseModule (an nn.Module), its optimizer-builder registry,
DefaultOptimizerConstructor (it keeps the optimizer config's lr and weight decay as base_lr and base_wd, as
mmcv 1.6.2's does) and get_dist_info (rank 0); mmseg's BACKBONES registry and get_root_logger; an einops.rearrange
that is never called (it serves the flash-attention path only). flash_attn and apex are absent: apex's absence
selects the Python RMSNorm; the backbone hands each block its whole per-block use_flash_attn list (truthy), so a
block builds a FlashAttention even when the flag is off, and this file supplies an unused placeholder for that name
and then switches every block's attention to the reference's naive path (the same math). The backbone runs in
float32 (the reference casts it to bfloat16, which DJL cannot hold). The output is byte-identical on rerun.
"""
import argparse
import importlib.util
import json
import logging
import math
import os
import shutil
import sys
import tempfile
import types

import torch
from torch import nn

from internvl_cases import write_safetensors

REFERENCE = 'OpenGVLab/InternVL@2410d1dbf208f0e799459aff9376e5747dbf41a2'
TIMM = 'huggingface/pytorch-image-models@v0.9.12'

# drop-path/: width 24 / 2 heads, 3 blocks, patch 14 (the reference's position-table resize hard-codes 14),
# checkpoint at 28 px (2x2 grid) fine-tuned at 42 px (3x3 grid), drop_path_rate 0.5 (blocks: 0, 0.25, 0.5),
# 4 images, blocks 1 and 2 asked for.
DROP_PATH_CASE = dict(seed=8101, embed_dim=24, num_heads=2, mlp_ratio=4, depth=3, patch_size=14, pretrain_size=28,
                      img_size=42, qkv_bias=True, qk_normalization=True, init_values=0.1, drop_path_rate=0.5,
                      batch=4, blocks=[1, 2])
# layer-decay.json: the full-tuning config's backbone and optimizer, at width 8 (names and shapes are what count)
LAYER_DECAY_CASE = dict(embed_dim=8, num_heads=2, mlp_ratio=4, depth=48, qkv_bias=True, lr=4e-5, weight_decay=0.05,
                        layer_decay_rate=0.95)
# drop-path-rates.json: (depth, drop_path_rate)
RATE_CASES = [(48, 0.4), (45, 0.4), (24, 0.1), (12, 0.3), (3, 0.5), (2, 0.2), (1, 0.4)]


# ----------------------------------------------------------------------------------------------- stand-ins
def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class _Registry:
    def register_module(self, *args, **kwargs):
        return lambda cls: cls


class BaseModule(nn.Module):
    def __init__(self, init_cfg=None):
        super().__init__()
        self.init_cfg = init_cfg


class DefaultOptimizerConstructor:
    """What CustomLayerDecayOptimizerConstructor.add_params reads of mmcv 1.6.2's constructor."""

    def __init__(self, optimizer_cfg, paramwise_cfg=None):
        self.optimizer_cfg = optimizer_cfg
        self.paramwise_cfg = {} if paramwise_cfg is None else paramwise_cfg
        self.base_lr = optimizer_cfg.get('lr', None)
        self.base_wd = optimizer_cfg.get('weight_decay', None)


def _never(*_a, **_k):
    raise AssertionError('the flash-attention path must not run')


class _UnusedFlashAttention(nn.Module):
    def __init__(self, attention_dropout=0.0, **_k):
        super().__init__()

    def forward(self, *_a, **_k):
        _never()


def _load_file(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def install_stand_ins(timm_root):
    quiet = logging.getLogger('stand-in')
    quiet.disabled = True
    _module('mmcv').__path__ = []
    _module('mmcv.runner', BaseModule=BaseModule, OPTIMIZER_BUILDERS=_Registry(),
            DefaultOptimizerConstructor=DefaultOptimizerConstructor, get_dist_info=lambda: (0, 1))
    _module('mmseg').__path__ = []
    _module('mmseg.models').__path__ = []
    _module('mmseg.models.builder', BACKBONES=_Registry())
    _module('mmseg.utils', get_root_logger=lambda *a, **k: quiet)
    _module('einops', rearrange=_never)
    # timm's own layers, loaded file by file (timm/__init__ imports far more than these need)
    layers = os.path.join(timm_root, 'timm', 'layers')
    drop = _load_file('timm_layers_drop', os.path.join(layers, 'drop.py'))
    helpers = _load_file('timm_layers_helpers', os.path.join(layers, 'helpers.py'))
    weight_init = _load_file('timm_layers_weight_init', os.path.join(layers, 'weight_init.py'))
    _module('timm').__path__ = []
    _module('timm.models').__path__ = []
    _module('timm.models.layers', DropPath=drop.DropPath, to_2tuple=helpers.to_2tuple,
            trunc_normal_=weight_init.trunc_normal_)
    return drop


def load_reference(root):
    seg = os.path.join(root, 'segmentation')
    # the packages without their __init__.py (which import the datasets, heads and mmcv's hooks)
    for name, path in [('mmseg_custom', 'mmseg_custom'), ('mmseg_custom.models', 'mmseg_custom/models'),
                       ('mmseg_custom.models.backbones', 'mmseg_custom/models/backbones')]:
        _module(name).__path__ = [os.path.join(seg, path)]
    backbone = importlib.import_module('mmseg_custom.models.backbones.intern_vit_6b')
    assert not backbone.has_flash_attn
    # InternViT6B hands every Block its whole per-block use_flash_attn list, which is truthy, so each Attention
    # builds a FlashAttention whatever the flag says; without flash-attn that name is undefined. A placeholder
    # (no parameters, never run) lets the constructor finish; build() then selects the naive attention.
    backbone.FlashAttention = _UnusedFlashAttention
    decay = _load_file('layer_decay_optimizer_constructor',
                       os.path.join(seg, 'mmcv_custom', 'layer_decay_optimizer_constructor.py'))
    return types.SimpleNamespace(InternViT6B=backbone.InternViT6B, RMSNorm=backbone.RMSNorm,
                                 Constructor=decay.CustomLayerDecayOptimizerConstructor)


def build(ref, c, img_size, drop_path_rate, **extra):
    model = ref.InternViT6B(in_chans=3, patch_size=c.get('patch_size', 14), img_size=img_size,
                            pretrain_size=c.get('pretrain_size', img_size), qkv_bias=c['qkv_bias'],
                            drop_path_rate=drop_path_rate, embed_dim=c['embed_dim'], num_heads=c['num_heads'],
                            mlp_ratio=c['mlp_ratio'], init_values=c.get('init_values', 0.1),
                            qk_normalization=c.get('qk_normalization', True), depth=c['depth'],
                            use_flash_attn=False, with_cp=False, pretrained=None, **extra)
    for blk in model.blocks:  # the reference's naive attention (see load_reference)
        blk.attn.use_flash_attn = False
    # the reference casts the backbone to bfloat16 in its constructor; DJL has no bfloat16, so it runs in float32
    return model.float()


# ----------------------------------------------------------------------------------------------- drop-path/
def randomize(model, g):
    """Layer scales U[0.05, 0.95], norm gains 1 + 0.2 N(0,1), biases 0.1 N(0,1), class/position embeddings
    0.5 N(0,1), Linear/Conv N(0,1)/sqrt(fan_in), as the other fixtures of this module draw them."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            n = torch.randn(p.shape, generator=g)
            if name.endswith('.gamma'):
                p.copy_(torch.rand(p.shape, generator=g) * 0.9 + 0.05)
            elif 'norm' in name:
                p.copy_(1 + 0.2 * n)
            elif name.endswith('bias'):
                p.copy_(0.1 * n)
            elif name in ('cls_token', 'pos_embed'):
                p.copy_(0.5 * n)
            else:
                p.copy_(n / math.sqrt(int(torch.tensor(p.shape[1:]).prod())))


def hf_config(c):
    """config.json of the checkpoint, as InternVisionConfig writes it."""
    return dict(architectures=['InternVisionModel'], attention_dropout=0.0, drop_path_rate=0.0, dropout=0.0,
                hidden_act='gelu', hidden_size=c['embed_dim'], image_size=c['pretrain_size'],
                initializer_factor=c['init_values'], initializer_range=0.02,
                intermediate_size=int(c['embed_dim'] * c['mlp_ratio']), layer_norm_eps=1e-6,
                model_type='intern_vit_6b', norm_type='rms_norm', num_attention_heads=c['num_heads'],
                num_channels=3, num_hidden_layers=c['depth'], patch_size=c['patch_size'],
                qk_normalization=c['qk_normalization'], qkv_bias=c['qkv_bias'], torch_dtype='float32',
                use_flash_attn=False)


def drop_path_case(ref, out):
    c = DROP_PATH_CASE
    g = torch.Generator().manual_seed(c['seed'])
    pretrained = build(ref, c, c['pretrain_size'], 0.0)
    randomize(pretrained, g)
    state = {k: v.detach().clone() for k, v in pretrained.state_dict().items()}
    model = build(ref, c, c['img_size'], c['drop_path_rate'])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'pretrained.pth')
        torch.save(state, path)
        model.init_weights(path)  # the reference's load: position table resized to the 3x3 grid, kernel to 14x14
    grid = c['img_size'] // c['patch_size']
    assert model.pos_embed.shape == (1, 1 + grid * grid, c['embed_dim'])
    assert torch.equal(model.patch_embed.proj.weight, state['patch_embed.proj.weight'])  # 14 -> 14 is exact

    pixels = torch.randn(c['batch'], 3, c['img_size'], c['img_size'], generator=g)
    tokens = 1 + grid * grid
    weights = {b: torch.randn(c['batch'], tokens, c['embed_dim'], generator=g) for b in c['blocks']}

    block_out, keep = {}, {}

    def block_hook(i):
        def hook(_m, _inp, output):
            block_out[i] = output
        return hook

    def drop_hook(i, branch):
        def hook(m, inp, output):
            if m.training and isinstance(m, nn.Module) and type(m).__name__ == 'DropPath':
                x = inp[0]
                kept = [bool((output[s] != 0).any()) for s in range(x.shape[0])]
                scale = torch.tensor([1.0 if k else 0.0 for k in kept], dtype=x.dtype).div_(1 - m.drop_prob)
                assert torch.equal(output, x * scale.view(-1, 1, 1)), 'not the drop path this file expects'
                keep[(i, branch)] = kept
        return hook

    handles = []
    for i, blk in enumerate(model.blocks):
        handles.append(blk.register_forward_hook(block_hook(i)))
        handles.append(blk.drop_path1.register_forward_hook(drop_hook(i, 'attention')))
        handles.append(blk.drop_path2.register_forward_hook(drop_hook(i, 'mlp')))
    model.out_indices = list(c['blocks'])

    # training pass: timm's DropPath draws its masks from torch's generator
    model.train()
    torch.manual_seed(c['seed'])
    x = pixels.clone().requires_grad_(True)
    maps = model(x)
    for b, m in zip(c['blocks'], maps):  # the reference's outputs are the hooked blocks' patch tokens
        assert torch.equal(m, block_out[b][:, 1:, :].reshape(c['batch'], grid, grid, -1).permute(0, 3, 1, 2))
    loss = sum((block_out[b] * weights[b]).sum() for b in c['blocks'])
    loss.backward()
    rates = [0.0 if isinstance(blk.drop_path1, nn.Identity) else blk.drop_path1.drop_prob for blk in model.blocks]
    assert sorted(i for i, _ in keep) == [i for i, r in enumerate(rates) for _ in (0, 1) if r > 0], keep
    flags = [k for v in keep.values() for k in v]
    assert any(flags) and not all(flags), 'the seed should drop some branches and keep others'

    expected = {'loss': loss.detach().reshape(1)}
    for b in c['blocks']:
        expected['train.block_%d' % b] = block_out[b].detach()
    expected['grad.pixel_values'] = x.grad.detach()
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        expected['grad.' + name] = p.grad.detach()

    # inference pass: drop path off
    model.eval()
    with torch.no_grad():
        model(pixels)
    for b in c['blocks']:
        expected['eval.block_%d' % b] = block_out[b].detach()
    for h in handles:
        h.remove()

    inputs = {'pixel_values': pixels}
    for b in c['blocks']:
        inputs['loss_weight.block_%d' % b] = weights[b]
    for (i, branch), kept in sorted(keep.items()):
        inputs['keep.block_%d.%s' % (i, branch)] = torch.tensor(kept, dtype=torch.int64)
    metadata = dict(source=REFERENCE, timm=TIMM, torch=torch.__version__, seed=str(c['seed']),
                    blocks=','.join(str(b) for b in c['blocks']), drop_path_rate=repr(c['drop_path_rate']),
                    image_size=str(c['img_size']),
                    block_rates=','.join(repr(r) for r in rates))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'config.json'), 'w') as f:
        json.dump(hf_config(c), f, indent=2, sort_keys=True)
        f.write('\n')
    write_safetensors(os.path.join(out, 'model.safetensors'), state, {'format': 'pt'})
    write_safetensors(os.path.join(out, 'inputs.safetensors'), inputs, metadata)
    write_safetensors(os.path.join(out, 'expected.safetensors'), {k: v.float() for k, v in expected.items()},
                      metadata)
    return len(expected), rates, keep


# ----------------------------------------------------------------------------------------------- layer-decay.json
class _Head(nn.Module):
    """Names and shapes of a head's parameters (a convolution and a BatchNorm), which the constructor puts in
    the last layer; nothing of it runs."""

    def __init__(self, in_channels, classes):
        super().__init__()
        self.conv_seg = nn.Conv2d(in_channels, classes, 1)
        self.bn = nn.BatchNorm2d(in_channels)


class _Segmentor(nn.Module):
    """The attributes an mmseg EncoderDecoder gives the constructor: backbone, decode_head, auxiliary_head."""

    def __init__(self, backbone, width):
        super().__init__()
        self.backbone = backbone
        self.decode_head = _Head(width, 5)
        self.auxiliary_head = _Head(width, 5)


def layer_decay_case(ref):
    c = LAYER_DECAY_CASE
    backbone = build(ref, c, 28, 0.4, with_fpn=True, out_indices=[11, 23, 35, 47])
    model = _Segmentor(backbone, c['embed_dim'])
    constructor = ref.Constructor(
        dict(type='AdamW', lr=c['lr'], betas=(0.9, 0.999), weight_decay=c['weight_decay']),
        dict(num_layers=c['depth'], layer_decay_rate=c['layer_decay_rate']))
    groups = []
    constructor.add_params(groups, model)
    shapes = dict((n, list(p.shape)) for n, p in model.named_parameters())
    parameters = []
    for group in groups:
        layer_id = int(group['group_name'].split('_')[1])
        for name in group['param_names']:
            parameters.append(dict(name=name, shape=shapes[name], group=group['group_name'], layer_id=layer_id,
                                   lr_scale=group['lr_scale'], lr=group['lr'], weight_decay=group['weight_decay']))
    assert len(parameters) == len(shapes)
    return dict(source=REFERENCE, torch=torch.__version__, lr=c['lr'], weight_decay=c['weight_decay'],
                num_layers=c['depth'], layer_decay_rate=c['layer_decay_rate'],
                backbone=dict(embed_dim=c['embed_dim'], num_heads=c['num_heads'], mlp_ratio=c['mlp_ratio'],
                              depth=c['depth'], qkv_bias=c['qkv_bias'], qk_normalization=True, patch_size=14,
                              img_size=28, with_fpn=True),
                parameters=parameters)


# ----------------------------------------------------------------------------------------------- drop-path-rates.json
def rates_case(ref):
    cases = []
    for depth, rate in RATE_CASES:
        c = dict(embed_dim=4, num_heads=1, mlp_ratio=1, depth=depth, qkv_bias=False)
        model = build(ref, c, 14, rate)
        rates = [0.0 if isinstance(b.drop_path1, nn.Identity) else b.drop_path1.drop_prob for b in model.blocks]
        for b in model.blocks:  # both branches of a block share the rate
            assert type(b.drop_path1) is type(b.drop_path2)
            assert isinstance(b.drop_path1, nn.Identity) or b.drop_path1.drop_prob == b.drop_path2.drop_prob
        cases.append(dict(depth=depth, drop_path_rate=rate, block_rates=rates))
    return dict(source=REFERENCE, torch=torch.__version__, cases=cases)


def write_json(path, value):
    with open(path, 'w') as f:
        json.dump(value, f, indent=1)
        f.write('\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--reference', required=True, help='checkout of OpenGVLab/InternVL')
    ap.add_argument('--timm', required=True, help='checkout of huggingface/pytorch-image-models at v0.9.12')
    ap.add_argument('--out', required=True, help='the folder to write (replaced)')
    args = ap.parse_args()
    torch.set_num_threads(1)
    install_stand_ins(os.path.abspath(args.timm))
    ref = load_reference(os.path.abspath(args.reference))
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    n, rates, keep = drop_path_case(ref, os.path.join(out, 'drop-path'))
    print('drop-path: expected', n, 'block rates', rates,
          'kept', {'%d.%s' % k: v for k, v in sorted(keep.items())})
    decay = layer_decay_case(ref)
    write_json(os.path.join(out, 'layer-decay.json'), decay)
    print('layer-decay.json:', len(decay['parameters']), 'parameters')
    write_json(os.path.join(out, 'drop-path-rates.json'), rates_case(ref))
    print('drop-path-rates.json:', len(RATE_CASES), 'depths')


if __name__ == '__main__':
    main()
