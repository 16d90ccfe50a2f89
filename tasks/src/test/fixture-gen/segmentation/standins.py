"""Stand-ins for the parts of mmcv / mmseg that the reference segmentation code imports but that are
not installable here, plus a loader that runs the reference files themselves from their checkouts.

Only what the imports need is supplied; every piece of layer, transform and schedule math that runs
is the reference's own file, loaded by path:

* registries (``PIPELINES``, ``HEADS``, ``LOSSES``, ``BACKBONES``, ``HOOKS``): a ``register_module``
  decorator that returns the class unchanged;
* ``mmcv.utils``: ``is_tuple_of``, ``is_list_of``, ``to_2tuple``, ``deprecated_api_warning`` (a
  no-op decorator), ``print_log``;
* ``mmcv.runner``: ``BaseModule`` (``nn.Module`` that accepts and ignores ``init_cfg``),
  ``auto_fp16`` / ``force_fp32`` (no-op decorators, fp32 throughout), ``Hook`` (an empty base);
* ``mmcv.cnn.ConvModule``: conv -> norm -> activation as mmcv builds it for the configs used here
  (``bias='auto'``: a bias only without a norm; ``norm_cfg`` BN/SyncBN -> ``nn.BatchNorm2d``, which
  is what SyncBN computes on one device; ``act_cfg`` ReLU or none);
* ``mmcv.image``: mmcv v1.7.1's own ``geometric.py`` and ``colorspace.py`` (cv2 from Debian's
  python3-opencv 4.6), with ``imread_backend = 'cv2'``;
* ``mmseg.ops.resize``: mmseg's own ``ops/wrappers.py``;
* ``mmseg.models.builder.build_loss``: builds mmseg's own ``CrossEntropyLoss`` from its config;
* for InternVL's backbone file (only its up/down-sampling pyramid runs): ``timm.models.layers``
  (``DropPath``, ``to_2tuple``, ``trunc_normal_`` = ``nn.init.trunc_normal_``), an
  ``einops.rearrange`` and a ``FlashAttention`` module that are never called (the ViT blocks are
  built but not run), ``mmseg.utils.get_root_logger``.
"""

import importlib.util
import sys
import types

import torch.nn as nn


def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class _Registry:
    def __init__(self, name):
        self.name = name
        self.classes = {}

    def register_module(self, *args, force=False, **kwargs):
        def wrap(cls):
            self.classes[cls.__name__] = cls
            return cls

        if args and isinstance(args[0], type):
            return wrap(args[0])
        return wrap

    def get(self, name):
        return self.classes[name]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _is_seq_of(seq, expected_type, seq_type=None):
    if seq_type is not None and not isinstance(seq, seq_type):
        return False
    return all(isinstance(x, expected_type) for x in seq)


def _to_2tuple(x):
    return tuple(x) if isinstance(x, (list, tuple)) else (x, x)


def _noop_decorator(*args, **kwargs):
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f


class BaseModule(nn.Module):
    def __init__(self, init_cfg=None):
        super().__init__()
        self.init_cfg = init_cfg


class Hook:
    pass


class ConvModule(nn.Module):
    """conv -> norm -> act, as mmcv.cnn.ConvModule with order ('conv', 'norm', 'act')."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias='auto', conv_cfg=None, norm_cfg=None, act_cfg=dict(type='ReLU'),
                 inplace=True, **kwargs):
        super().__init__()
        assert conv_cfg is None
        with_norm = norm_cfg is not None
        if bias == 'auto':
            bias = not with_norm
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation,
                              groups, bias=bias)
        if with_norm:
            assert norm_cfg['type'] in ('BN', 'SyncBN'), norm_cfg
            self.bn = nn.BatchNorm2d(out_channels)
        else:
            self.bn = None
        if act_cfg is not None:
            assert act_cfg['type'] == 'ReLU', act_cfg
            self.activate = nn.ReLU(inplace=inplace)
        else:
            self.activate = None

    def forward(self, x):
        x = self.conv(x)
        if self.bn is not None:
            x = self.bn(x)
        if self.activate is not None:
            x = self.activate(x)
        return x


def install(mmcv_root, mmseg_root):
    """Makes ``import mmcv`` / ``import mmseg...`` resolve to the stand-ins plus the reference files."""
    utils = _module('mmcv.utils', is_tuple_of=lambda s, t: _is_seq_of(s, t, tuple),
                    is_list_of=lambda s, t: _is_seq_of(s, t, list), to_2tuple=_to_2tuple,
                    deprecated_api_warning=_noop_decorator, print_log=lambda *a, **k: None,
                    Registry=_Registry)
    mmcv = _module('mmcv', utils=utils, is_tuple_of=utils.is_tuple_of, is_list_of=utils.is_list_of)
    mmcv.__path__ = []
    image = _module('mmcv.image')
    image.__path__ = []
    _module('mmcv.image.io', imread_backend='cv2')
    geometric = _load('mmcv.image.geometric', f'{mmcv_root}/mmcv/image/geometric.py')
    colorspace = _load('mmcv.image.colorspace', f'{mmcv_root}/mmcv/image/colorspace.py')
    for m in (geometric, colorspace):
        for k, v in vars(m).items():
            if not k.startswith('_') and callable(v):
                setattr(mmcv, k, v)
    runner = _module('mmcv.runner', BaseModule=BaseModule, auto_fp16=_noop_decorator,
                     force_fp32=_noop_decorator, Hook=Hook)
    runner.__path__ = []
    _module('mmcv.runner.hooks', HOOKS=_Registry('hooks'), Hook=Hook)
    _module('mmcv.runner.hooks.hook', HOOKS=_Registry('hooks'), Hook=Hook)
    _module('mmcv.cnn', ConvModule=ConvModule)
    mmcv.runner = runner

    mmseg = _module('mmseg')
    mmseg.__path__ = []
    _module('mmseg.ops')
    wrappers = _load('mmseg.ops.wrappers', f'{mmseg_root}/mmseg/ops/wrappers.py')
    sys.modules['mmseg.ops'].resize = wrappers.resize
    datasets = _module('mmseg.datasets')
    datasets.__path__ = []
    _module('mmseg.datasets.builder', PIPELINES=_Registry('pipelines'), DATASETS=_Registry('d'))
    pipelines = _module('mmseg.datasets.pipelines')
    pipelines.__path__ = []
    models = _module('mmseg.models')
    models.__path__ = []
    _module('mmseg.models.builder', HEADS=_Registry('heads'), LOSSES=_Registry('losses'),
            BACKBONES=_Registry('backbones'), build_loss=None)
    _module('mmseg.core', build_pixel_sampler=None)


def load_heads(mmseg_root, internvl_root):
    """mmseg v0.30.0's losses, BaseDecodeHead, PPM and UPerHead; InternVL's FCNHead (registered
    over mmseg's) and InternViT6B backbone file. Returns a namespace of the classes."""
    import logging

    import torch.nn as nn

    losses_pkg = _module('mmseg.models.losses')
    losses_pkg.__path__ = []
    utils = _load('mmseg.models.losses.utils', f'{mmseg_root}/mmseg/models/losses/utils.py')
    accuracy = _load('mmseg.models.losses.accuracy', f'{mmseg_root}/mmseg/models/losses/accuracy.py')
    ce = _load('mmseg.models.losses.cross_entropy_loss',
               f'{mmseg_root}/mmseg/models/losses/cross_entropy_loss.py')
    losses_pkg.accuracy = accuracy.accuracy
    losses_pkg.weight_reduce_loss = utils.weight_reduce_loss

    def build_loss(cfg):
        cfg = dict(cfg)
        assert cfg.pop('type') == 'CrossEntropyLoss'
        return ce.CrossEntropyLoss(**cfg)

    sys.modules['mmseg.models.builder'].build_loss = build_loss
    heads_pkg = _module('mmseg.models.decode_heads')
    heads_pkg.__path__ = []
    decode_head = _load('mmseg.models.decode_heads.decode_head',
                        f'{mmseg_root}/mmseg/models/decode_heads/decode_head.py')
    psp = _load('mmseg.models.decode_heads.psp_head',
                f'{mmseg_root}/mmseg/models/decode_heads/psp_head.py')
    uper = _load('mmseg.models.decode_heads.uper_head',
                 f'{mmseg_root}/mmseg/models/decode_heads/uper_head.py')
    fcn = _load('internvl_fcn_head',
                f'{internvl_root}/segmentation/mmseg_custom/models/decode_heads/fcn_head.py')

    class DropPath(nn.Module):
        def __init__(self, p=0.):
            super().__init__()

    def rearrange(*args, **kwargs):
        raise AssertionError('the pyramid does not call rearrange')

    layers = _module('timm.models.layers', DropPath=DropPath, to_2tuple=_to_2tuple,
                     trunc_normal_=nn.init.trunc_normal_)
    _module('timm').__path__ = []
    _module('timm.models', layers=layers).__path__ = []
    _module('einops', rearrange=rearrange)
    _module('mmseg.utils', get_root_logger=lambda *a, **k: logging.getLogger('mmseg'))
    bb_pkg = _module('internvl_backbones')
    bb_pkg.__path__ = []

    class FlashAttention(nn.Module):
        def __init__(self, *args, **kwargs):
            super().__init__()

        def forward(self, *args, **kwargs):
            raise AssertionError('the pyramid does not run attention')

    _module('internvl_backbones.flash_attention', FlashAttention=FlashAttention)
    backbone = _load('internvl_backbones.intern_vit_6b',
                     f'{internvl_root}/segmentation/mmseg_custom/models/backbones/intern_vit_6b.py')
    return types.SimpleNamespace(UPerHead=uper.UPerHead, FCNHead=fcn.FCNHead, PPM=psp.PPM,
                                 BaseDecodeHead=decode_head.BaseDecodeHead,
                                 InternViT6B=backbone.InternViT6B,
                                 CrossEntropyLoss=ce.CrossEntropyLoss)


def load_lr_updater(mmcv_root):
    """mmcv v1.7.1's runner/hooks/lr_updater.py (PolyLrUpdaterHook and its warm-up)."""
    return _load('mmcv.runner.hooks.lr_updater', f'{mmcv_root}/mmcv/runner/hooks/lr_updater.py')


def load_transforms(mmseg_root):
    """mmseg v0.30.0's datasets/pipelines/transforms.py."""
    return _load('mmseg.datasets.pipelines.transforms',
                 f'{mmseg_root}/mmseg/datasets/pipelines/transforms.py')


def load_internvl_transforms(internvl_root):
    """InternVL's segmentation/mmseg_custom/datasets/pipelines/transform.py (SETR_Resize)."""
    return _load('mmseg_custom_transform',
                 f'{internvl_root}/segmentation/mmseg_custom/datasets/pipelines/transform.py')
