#!/usr/bin/env python3
"""Builds the golden fixture internvl_chat_llava_v1_0: a tiny InternVL-Chat v1.0 (LLaVA-1.5 codebase)
checkpoint with random weights, its inputs, and the outputs the reference code computes for them.

Usage (PyTorch 1.13 on CPU, e.g. Debian's python3-torch; PIL for the pad-to-square case):

    python3 llava_v1_0.py --reference /path/to/InternVL --out ../resources/fixtures/internvl_chat_llava_v1_0

--reference is a checkout of github.com/OpenGVLab/InternVL (commit 2410d1dbf208f0e799459aff9376e5747dbf41a2);
only its internvl_chat_llava/llava/ folder is read. Every layer that runs is reference code:

* llava/model/language_model/llava_llama.py (LlavaLlamaForCausalLM: forward, lm_head) and llava/model/llava_arch.py
  (LlavaMetaModel, encode_images, prepare_inputs_labels_for_multimodal: the <image> splice);
* llava/model/multimodal_encoder/clip_encoder.py (CLIPVisionTower: hidden_states[mm_vision_select_layer], 'patch')
  over llava/model/multimodal_encoder/intern_vit_6b/modeling_intern_vit.py (InternVisionModel);
* llava/model/multimodal_projector/builder.py (build_vision_projector, mlp2x_gelu);
* the LLaMA decoder: transformers is not installable here (the registry has only versions that need PyTorch >= 2),
  so the stand-in `transformers.LlamaModel` is the reference repository's own copy of HF's LLaMA,
  llava/model/multimodal_encoder/internvl_14b/modeling_qllama.py (LlamaModel, LlamaRMSNorm, rotate-half RoPE with
  base 10000, fp32 softmax), with its QLLaMA cross-attention modules removed after construction (they would only
  run when vision_hidden_states is passed, which LLaVA never does);
* llava/mm_utils.py (expand2square, the pad-to-square of image_aspect_ratio 'pad').

Stand-ins (this file) supply only what the imports need: config holders, an nn.Module base class with
from_pretrained reading config.json and random init, output records, ACT2FN (exact erf GELU, SiLU), logging, docstring
decorators, DropPath (unused: drop_path_rate 0) and empty stubs for the EVA-CLIP and InternVL-14B towers, which
clip_encoder.py imports but the intern_vit_6b tower does not use. flash_attn and apex are absent, so the reference
takes its naive attention and Python RMSNorm paths (asserted below).
"""
import argparse
import dataclasses
import importlib.util
import json
import math
import os
import struct
import sys
import types
from typing import Optional, Tuple

import numpy as np
import torch
from torch import nn

SEED = 20240610
TOWER = 'intern_vit_6b'  # the name must contain 'intern_vit_6b' for clip_encoder.py to pick InternViT


# ----------------------------------------------------------------------------------------------- stand-ins
def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class PretrainedConfig:
    model_type = ''

    def __init__(self, **kwargs):
        self.output_attentions = kwargs.pop('output_attentions', False)
        self.output_hidden_states = kwargs.pop('output_hidden_states', False)
        self.use_return_dict = kwargs.pop('return_dict', True)
        self.use_cache = kwargs.pop('use_cache', True)
        for k, v in kwargs.items():
            setattr(self, k, v)

    @classmethod
    def get_config_dict(cls, path, **kwargs):
        with open(os.path.join(path, 'config.json')) as f:
            return json.load(f), kwargs

    @classmethod
    def from_dict(cls, d, **kwargs):
        return cls(**{**d, **kwargs})

    @classmethod
    def from_pretrained(cls, path, **kwargs):
        d, kwargs = cls.get_config_dict(path, **kwargs)
        return cls.from_dict(d, **kwargs)


class LlamaConfig(PretrainedConfig):
    model_type = 'llama'

    def __init__(self, vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
                 num_attention_heads=32, hidden_act='silu', max_position_embeddings=2048, initializer_range=0.02,
                 rms_norm_eps=1e-6, pad_token_id=None, bos_token_id=1, eos_token_id=2, **kwargs):
        super().__init__(vocab_size=vocab_size, hidden_size=hidden_size, intermediate_size=intermediate_size,
                         num_hidden_layers=num_hidden_layers, num_attention_heads=num_attention_heads,
                         hidden_act=hidden_act, max_position_embeddings=max_position_embeddings,
                         initializer_range=initializer_range, rms_norm_eps=rms_norm_eps, pad_token_id=pad_token_id,
                         bos_token_id=bos_token_id, eos_token_id=eos_token_id, **kwargs)


class PreTrainedModel(nn.Module):
    config_class = PretrainedConfig

    def __init__(self, config, *args, **kwargs):
        super().__init__()
        self.config = config

    def post_init(self):
        pass

    @property
    def device(self):
        return next(self.parameters()).device

    @property
    def dtype(self):
        return next(self.parameters()).dtype

    @classmethod
    def from_pretrained(cls, path, **kwargs):
        return cls(cls.config_class.from_pretrained(path))  # weights are set by the generator below


class _Output:
    def __getitem__(self, i):
        return tuple(v for v in dataclasses.astuple(self) if v is not None)[i] if isinstance(i, int) else getattr(self, i)


def _record(name, *fields):
    return dataclasses.make_dataclass(name, [(f, object, dataclasses.field(default=None)) for f in fields],
                                      bases=(_Output,))


class _Logger:
    def __getattr__(self, _):
        return lambda *a, **k: None


def _docstring(*_a, **_k):
    return lambda f: f


class DropPath(nn.Module):
    def __init__(self, p):
        super().__init__()
        assert p == 0

    def forward(self, x):
        return x


def install_stand_ins():
    tf = _module('transformers')
    tf.__path__ = []
    cu = _module('transformers.configuration_utils', PretrainedConfig=PretrainedConfig)
    mu = _module('transformers.modeling_utils', PreTrainedModel=PreTrainedModel)
    mo = _module('transformers.modeling_outputs',
                 BaseModelOutput=_record('BaseModelOutput', 'last_hidden_state', 'hidden_states', 'attentions'),
                 BaseModelOutputWithPooling=_record('BaseModelOutputWithPooling', 'last_hidden_state',
                                                    'pooler_output', 'hidden_states', 'attentions'),
                 BaseModelOutputWithPast=_record('BaseModelOutputWithPast', 'last_hidden_state', 'past_key_values',
                                                 'hidden_states', 'attentions'),
                 CausalLMOutputWithPast=_record('CausalLMOutputWithPast', 'loss', 'logits', 'past_key_values',
                                                'hidden_states', 'attentions'))
    act = _module('transformers.activations', ACT2FN={'gelu': nn.GELU(), 'silu': nn.SiLU()})
    logging = types.SimpleNamespace(get_logger=lambda *_: _Logger())
    ut = _module('transformers.utils', logging=logging, add_start_docstrings=_docstring,
                 add_start_docstrings_to_model_forward=_docstring, replace_return_docstrings=_docstring)

    class _Registry:
        @staticmethod
        def register(*_a, **_k):
            pass

    class CLIPImageProcessor:
        def __init__(self, **kwargs):
            self.__dict__.update(kwargs)

    tf.__dict__.update(configuration_utils=cu, modeling_utils=mu, modeling_outputs=mo, activations=act, utils=ut,
                       LlamaConfig=LlamaConfig, AutoConfig=_Registry, AutoModelForCausalLM=_Registry,
                       CLIPImageProcessor=CLIPImageProcessor, CLIPVisionModel=None, CLIPVisionConfig=None,
                       StoppingCriteria=object)
    _module('einops', rearrange=None)  # only the flash-attention path uses it
    _module('timm').__path__ = []
    _module('timm.models').__path__ = []
    _module('timm.models.layers', DropPath=DropPath)


def load_reference(llava_root):
    """Registers the reference packages without running llava/__init__.py (it imports MPT and the serving code)."""
    for pkg in ['llava', 'llava.model', 'llava.model.language_model', 'llava.model.multimodal_encoder',
                'llava.model.multimodal_encoder.intern_vit_6b', 'llava.model.multimodal_projector']:
        m = _module(pkg)
        m.__path__ = [os.path.join(llava_root, *pkg.split('.')[1:])]
    # EVA-CLIP and InternVL-14B towers: imported by clip_encoder.py, unused for an intern_vit_6b tower.
    for pkg in ['eva_clip', 'internvl_14b']:
        _module('llava.model.multimodal_encoder.' + pkg).__path__ = []
    _module('llava.model.multimodal_encoder.eva_clip.configuration_evaclip', EvaCLIPVisionConfig=None)
    _module('llava.model.multimodal_encoder.eva_clip.modeling_evaclip', EvaCLIPVisionModel=None)
    _module('llava.model.multimodal_encoder.internvl_14b.configuration_internvl', InternVLConfig=None)
    _module('llava.model.multimodal_encoder.internvl_14b.modeling_internvl', InternVLModel=None)

    path = os.path.join(llava_root, 'model', 'multimodal_encoder', 'internvl_14b', 'modeling_qllama.py')
    spec = importlib.util.spec_from_file_location('reference_llama', path)
    llama = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(llama)
    sys.modules['transformers'].LlamaModel = llama.LlamaModel
    sys.modules['transformers'].LlamaForCausalLM = llama.LlamaForCausalLM

    import llava.constants  # noqa: F401
    from llava.model.language_model import llava_llama
    from llava import mm_utils
    from llava.model.multimodal_encoder.intern_vit_6b import modeling_intern_vit as vit
    return llava_llama, mm_utils, vit, llama


# ----------------------------------------------------------------------------------------------- safetensors
DTYPES = {torch.float32: ('F32', '<f4'), torch.int64: ('I64', '<i8')}


def write_safetensors(path, tensors, metadata):
    header = {'__metadata__': metadata}
    blobs, offset = [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        code, np_type = DTYPES[t.dtype]
        data = t.numpy().astype(np_type).tobytes()
        header[name] = {'dtype': code, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(',', ':')).encode()
    raw += b' ' * (-len(raw) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


# ----------------------------------------------------------------------------------------------- the case
VISION_CONFIG = dict(model_type='intern_vit_6b', num_channels=3, patch_size=14, image_size=28, qkv_bias=False,
                     hidden_size=32, num_attention_heads=2, intermediate_size=64, qk_normalization=True,
                     num_hidden_layers=4, use_flash_attn=False, hidden_act='gelu', layer_norm_eps=1e-6, dropout=0.0,
                     drop_path_rate=0.0, attention_dropout=0.0, initializer_range=0.02, initializer_factor=0.1)

LLAVA_CONFIG = dict(model_type='llava_llama', architectures=['LlavaLlamaForCausalLM'], vocab_size=1000,
                    hidden_size=40, intermediate_size=80, num_hidden_layers=2, num_attention_heads=4,
                    hidden_act='silu', max_position_embeddings=2048, initializer_range=0.02, rms_norm_eps=1e-5,
                    pad_token_id=0, bos_token_id=1, eos_token_id=2, tie_word_embeddings=False, torch_dtype='float32',
                    use_cache=True, mm_vision_tower=TOWER, mm_hidden_size=32, mm_projector_type='mlp2x_gelu',
                    mm_vision_select_layer=-4, mm_vision_select_feature='patch', image_aspect_ratio='pad',
                    mm_use_im_start_end=False, mm_use_im_patch_token=False, tune_mm_mlp_adapter=False,
                    freeze_mm_mlp_adapter=False, use_mm_proj=True)


def randomize(model, g):
    """Non-trivial weights, as the shared fixtures draw them."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            last = name.split('.')[-1]
            if name.endswith('ls1') or name.endswith('ls2'):
                p.copy_(torch.rand(p.shape, generator=g) * 0.9 + 0.05)
            elif 'norm' in name and last == 'weight':
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif last == 'bias':
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif 'class_embedding' in name or 'position_embedding' in name:
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            elif 'embed_tokens' in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:
                fan_in = int(np.prod(p.shape[1:]))
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(fan_in))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--reference', required=True, help='checkout of OpenGVLab/InternVL')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    llava_root = os.path.join(os.path.abspath(args.reference), 'internvl_chat_llava', 'llava')
    os.makedirs(os.path.join(out, TOWER), exist_ok=True)
    with open(os.path.join(out, TOWER, 'config.json'), 'w') as f:
        json.dump(VISION_CONFIG, f, indent=2)
        f.write('\n')
    with open(os.path.join(out, 'config.json'), 'w') as f:
        json.dump(LLAVA_CONFIG, f, indent=2)
        f.write('\n')

    install_stand_ins()
    llava_llama, mm_utils, vit_module, llama_module = load_reference(llava_root)
    assert not vit_module.has_flash_attn
    assert llama_module.LlamaRMSNorm.__module__ == 'reference_llama'  # not apex

    os.chdir(out)  # mm_vision_tower is resolved against the working directory, as the reference does
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    config = llava_llama.LlavaConfig.from_pretrained(out)
    config.cross_attention_frequency = 1  # QLLaMA fields the reference LlamaModel reads
    config.num_query_token = 96
    model = llava_llama.LlavaLlamaForCausalLM(config)
    for layer in model.model.layers:
        layer.cross_attn = None  # QLLaMA's cross-attention is not part of a LLaMA
    tower = model.get_vision_tower()
    tower.load_model()
    assert tower.select_layer == -4 and tower.select_feature == 'patch'
    assert not any(l.attn.use_flash_attn for l in tower.vision_tower.encoder.layers)
    randomize(model, g)
    model.eval()

    pixels = torch.randn(1, 3, 42, 42, generator=g)  # 3x3 patch grid: the 2x2 position table is interpolated
    ids = torch.tensor([[1, 319, 13563, 1546, -200, 13, 5618, 338, 445, 29973, 319, 29901]], dtype=torch.long)
    ids = ids.remainder(1000).where(ids >= 0, ids)  # ids inside the tiny vocabulary; -200 = IMAGE_TOKEN_INDEX
    mask = torch.ones_like(ids, dtype=torch.bool)

    with torch.no_grad():
        forward = tower.vision_tower(pixels, output_hidden_states=True)
        selected = tower(pixels)
        image_features = model.encode_images(pixels)
        _, attn, _, embeds, _ = model.prepare_inputs_labels_for_multimodal(ids, mask, None, None, pixels)
        result = model(input_ids=ids, attention_mask=mask, images=pixels, use_cache=True, return_dict=True)
        logits = result.logits
        # greedy decoding with the key/value cache, as generate() continues the prompt
        past, attn_mask, tokens = result.past_key_values, attn, []
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        for _ in range(6):
            tokens.append(nxt)
            attn_mask = torch.cat([attn_mask, torch.ones_like(nxt, dtype=torch.bool)], dim=1)
            step = model(input_ids=nxt, attention_mask=attn_mask, past_key_values=past, images=pixels,
                         use_cache=True, return_dict=True)
            past = step.past_key_values
            nxt = step.logits[:, -1].argmax(-1, keepdim=True)
        greedy = torch.cat(tokens, dim=1)
        full = model(input_ids=ids, attention_mask=mask, images=pixels, return_dict=True).logits
        assert torch.equal(full, logits)

    # image_aspect_ratio 'pad': a 7x4 and a 3x5 image padded with the ImageNet mean colour (reference expand2square)
    from PIL import Image
    wide = torch.randint(0, 256, (4, 7, 3), generator=g, dtype=torch.uint8)
    tall = torch.randint(0, 256, (5, 3, 3), generator=g, dtype=torch.uint8)
    mean = tuple(int(x * 255) for x in (0.485, 0.456, 0.406))
    padded = {}
    for name, img in (('wide', wide), ('tall', tall)):
        sq = mm_utils.expand2square(Image.fromarray(img.numpy(), 'RGB'), mean)
        padded[name] = torch.from_numpy(np.asarray(sq).astype(np.int64))

    state = {k: v for k, v in model.state_dict().items()}
    assert not any('rotary_emb' in k for k in state)
    meta = {'reference': 'OpenGVLab/InternVL@2410d1dbf208f0e799459aff9376e5747dbf41a2 internvl_chat_llava',
            'class': 'LlavaLlamaForCausalLM', 'attention': 'naive (no flash_attn)', 'seed': str(SEED),
            'torch': torch.__version__, 'image_token_index': '-200'}
    write_safetensors(os.path.join(out, 'model.safetensors'), state, {'format': 'pt'})
    write_safetensors(os.path.join(out, 'inputs.safetensors'),
                      {'pixel_values': pixels, 'input_ids': ids, 'pad_wide_rgb': wide.long(),
                       'pad_tall_rgb': tall.long()}, meta)
    write_safetensors(os.path.join(out, 'expected.safetensors'),
                      {'vision_hidden_states_selected': forward.hidden_states[-4],
                       'image_features_selected': selected, 'image_features': image_features,
                       'inputs_embeds': embeds, 'logits': logits, 'next_token_logits': logits[:, -1],
                       'greedy_tokens': greedy, 'pad_wide_square': padded['wide'],
                       'pad_tall_square': padded['tall']}, meta)
    print('keys:', len(state), 'sequence:', embeds.shape[1], 'greedy:', greedy.tolist())


if __name__ == '__main__':
    main()
