#!/usr/bin/env python3
"""Builds InternVL golden cases in the layout of the fixture root's internvl/ folder (config.json,
model.safetensors, inputs.safetensors, expected.safetensors; see fixtures/internvl/README.md) from the
reference InternVL code: small checkpoints with random weights, their inputs, and the outputs the reference
computes for them.

Usage (PyTorch 1.13 on CPU, e.g. Debian 12's python3-torch):

    python3 internvl_cases.py --reference /path/to/InternVL --out ../../../../fixtures-alternate/internvl

--reference is a checkout of github.com/OpenGVLab/InternVL (commit 2410d1dbf208f0e799459aff9376e5747dbf41a2).
The CASES table below says what is written; the repository's alternate fixture root holds its output, whose
shapes, seeds and folder names differ from every case of fixtures/internvl, so that the fixture tests are
proven to find their cases by content. Every layer that runs is reference code:

* InternViT cases: internvl_chat/internvl/model/internvl_chat/modeling_intern_vit.py (InternVisionModel,
  with norm_type and position-embedding interpolation on every forward);
* the InternVL-C/-G case: internvl_g/internvl/model/internvl_stage2/modeling_intern_vit.py, modeling_qllama.py
  and modeling_internvl.py (InternVL_C, InternVL_G); QLLaMA's cross-attention k_proj, v_proj and norm2 are
  rebuilt after construction with the reference classes and the vision width (the reference hard-codes
  InternViT-6B's 3200), as for the shared cases;
* the InternVL-Chat case: internvl_chat/internvl/model/internvl_chat/modeling_internvl_chat.py
  (InternVLChatModel) over internvl_chat/internvl/model/internlm2/modeling_internlm2.py (InternLM2ForCausalLM).

Stand-ins (this file) supply only what the imports need: config holders that serialize as the reference
config classes do (to_dict(), runtime-only keys left out), an nn.Module base class, output records, ACT2FN
(exact erf GELU, SiLU), logging, docstring decorators, DropPath (drop_path_rate is 0), an einops.rearrange that
reshapes and permutes, packaging.version, and empty peft / phi3 / conversation modules. flash_attn and apex are
absent, so the reference takes its naive attention, eager InternLM2 attention and Python RMSNorm paths
(asserted below). Weights are drawn as fixtures/internvl/README.md says; the output is byte-identical on rerun.
"""
import argparse
import copy
import dataclasses
import importlib
import json
import math
import os
import shutil
import struct
import sys
import types

import numpy as np
import torch
from torch import nn

REFERENCE = 'OpenGVLab/InternVL@2410d1dbf208f0e799459aff9376e5747dbf41a2'

# Folder name -> what the case is. Every shape, seed and name differs from the cases of fixtures/internvl.
CASES = {
    # InternViT-300M flavour with QK-norm (RMSNorm over the full width even with LayerNorm blocks), patch 8,
    # LayerNorm eps 1e-5, 5 layers of width 48 / 3 heads, a 5x5 grid; 7x7 and 3x6 grids interpolated.
    'vit-ln-qknorm-p8': dict(
        kind='vision', seed=7101, storage='F32',
        vision=dict(hidden_size=48, num_attention_heads=3, intermediate_size=64, num_hidden_layers=5,
                    patch_size=8, image_size=40, norm_type='layer_norm', qk_normalization=True,
                    qkv_bias=True, layer_norm_eps=1e-5),
        inputs=dict(pixel_values=(2, 40, 40), pixel_values_hr=(1, 56, 56), pixel_values_rect=(2, 24, 48))),
    # InternViT-6B flavour without QK-norm, F16 weights, patch 6, 2 layers of width 24 / 2 heads, 4x4 grid,
    # a 6x3 grid interpolated.
    'vit-rms-f16-p6': dict(
        kind='vision', seed=7102, storage='F16',
        vision=dict(hidden_size=24, num_attention_heads=2, intermediate_size=64, num_hidden_layers=2,
                    patch_size=6, image_size=24, norm_type='rms_norm', qk_normalization=False,
                    qkv_bias=False, layer_norm_eps=1e-6),
        inputs=dict(pixel_values=(2, 24, 24), pixel_values_rect=(1, 36, 18))),
    # InternVL-C/-G: stage-2 InternViT without QK-norm, with qkv bias (width 40, 2 heads, 2 layers, patch 10,
    # 3x3 grid); QLLaMA of width 32 / 4 heads, 2 layers, cross-attention in every layer, vocabulary 448 (enough
    # for the multilingual test tokenizer's characters); 24-d embeddings.
    'clip-g-xattn1': dict(
        kind='contrastive', seed=7201, storage='F32',
        vision=dict(hidden_size=40, num_attention_heads=2, intermediate_size=64, num_hidden_layers=2,
                    patch_size=10, image_size=30, qk_normalization=False, qkv_bias=True, layer_norm_eps=1e-6),
        qllama=dict(vocab_size=448, hidden_size=32, num_attention_heads=4, intermediate_size=64,
                    num_hidden_layers=2, rms_norm_eps=1e-5, max_position_embeddings=128),
        clip_embed_dim=24, attn_pool_num_heads=2, cross_attention_frequency=1,
        images=3, texts=[7, 5, 2, 6], caption_prefix=(3, 4)),
    # InternVL-Chat: InternViT-6B flavour (RMSNorm, QK-norm, no qkv bias; width 32, 2 heads, 3 layers, patch 8,
    # 48 px tiles), select_layer -2, pixel shuffle v1 (transposed grid), 9 tokens per tile; InternLM2 of width 36,
    # 6 heads over 2 kv heads (head size 6), 3 layers, no RoPE scaling, vocabulary 256; three tiles of one sample.
    'chat-lm2-gqa3': dict(
        kind='chat', seed=7301, storage='F32',
        vision=dict(hidden_size=32, num_attention_heads=2, intermediate_size=48, num_hidden_layers=3,
                    patch_size=8, image_size=48, norm_type='rms_norm', qk_normalization=True, qkv_bias=False,
                    layer_norm_eps=1e-6),
        llm=dict(vocab_size=256, hidden_size=36, num_attention_heads=6, num_key_value_heads=2,
                 intermediate_size=64, num_hidden_layers=3, rms_norm_eps=1e-6, rope_theta=10000,
                 max_position_embeddings=256, bias=False),
        select_layer=-2, ps_version='v1', tiles=3, img_start=253, img_end=254, img_context=255,
        prompt_head=[1, 92, 5], prompt_tail=[45, 201, 7, 55, 123]),
}


# ----------------------------------------------------------------------------------------------- stand-ins
def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


RUNTIME_KEYS = {'return_dict', 'output_hidden_states', 'output_attentions', 'torchscript'}


class PretrainedConfig:
    model_type = ''
    # runtime-only settings: class attributes, so that to_dict() leaves them out as the shared configs do
    output_attentions = False
    output_hidden_states = False
    return_dict = True
    use_return_dict = True

    def __init__(self, **kwargs):
        for key in RUNTIME_KEYS:
            kwargs.pop(key, None)
        self.tie_word_embeddings = kwargs.pop('tie_word_embeddings', True)
        kwargs.pop('model_type', None)  # the class says it
        for k, v in kwargs.items():
            setattr(self, k, v)

    def to_dict(self):
        out = copy.deepcopy(self.__dict__)
        out['model_type'] = self.__class__.model_type
        return out


def clean(d):
    """A config dict as config.json holds it: nested configs as dicts, runtime-only keys left out."""
    out = {}
    for k, v in d.items():
        if k in RUNTIME_KEYS or k.startswith('_'):
            continue
        if isinstance(v, PretrainedConfig):
            v = v.to_dict()
        out[k] = clean(v) if isinstance(v, dict) and k != 'rope_scaling' else v
    return out


class LlamaConfig(PretrainedConfig):
    """transformers 4.37's LlamaConfig fields and defaults."""
    model_type = 'llama'

    def __init__(self, vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
                 num_attention_heads=32, num_key_value_heads=None, hidden_act='silu', max_position_embeddings=2048,
                 initializer_range=0.02, rms_norm_eps=1e-6, use_cache=True, pad_token_id=None, bos_token_id=1,
                 eos_token_id=2, pretraining_tp=1, tie_word_embeddings=False, rope_theta=10000.0,
                 rope_scaling=None, attention_bias=False, **kwargs):
        self.vocab_size = vocab_size
        self.max_position_embeddings = max_position_embeddings
        self.hidden_size = hidden_size
        self.intermediate_size = intermediate_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.num_key_value_heads = num_attention_heads if num_key_value_heads is None else num_key_value_heads
        self.hidden_act = hidden_act
        self.initializer_range = initializer_range
        self.rms_norm_eps = rms_norm_eps
        self.pretraining_tp = pretraining_tp
        self.use_cache = use_cache
        self.rope_theta = rope_theta
        self.rope_scaling = rope_scaling
        self.attention_bias = attention_bias
        super().__init__(pad_token_id=pad_token_id, bos_token_id=bos_token_id, eos_token_id=eos_token_id,
                         tie_word_embeddings=tie_word_embeddings, **kwargs)


class PreTrainedModel(nn.Module):
    config_class = PretrainedConfig
    main_input_name = 'input_ids'

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


class _Output:
    def _values(self):
        return tuple(getattr(self, f.name) for f in dataclasses.fields(self) if getattr(self, f.name) is not None)

    def __getitem__(self, i):
        return getattr(self, i) if isinstance(i, str) else self._values()[i]

    def __setitem__(self, key, value):
        setattr(self, key, value)

    def to_tuple(self):
        return self._values()


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


def rearrange(t, pattern, **sizes):
    """einops.rearrange for what the reference uses: axes split or merged in groups, then permuted."""
    def groups(side):
        out, current = [], None
        for tok in side.replace('(', ' ( ').replace(')', ' ) ').split():
            if tok == '(':
                current = []
            elif tok == ')':
                out.append(current)
                current = None
            elif current is not None:
                current.append(tok)
            else:
                out.append([tok])
        return out

    left, right = (groups(s) for s in pattern.split('->'))
    dims = dict(sizes)
    for group, n in zip(left, t.shape):
        unknown = [a for a in group if a not in dims]
        known = math.prod(dims[a] for a in group if a in dims)
        assert len(unknown) <= 1, pattern
        if unknown:
            dims[unknown[0]] = n // known
        assert math.prod(dims[a] for a in group) == n, pattern
    flat = [a for g in left for a in g]
    t = t.reshape([dims[a] for a in flat]).permute([flat.index(a) for g in right for a in g])
    return t.reshape([math.prod(dims[a] for a in g) for g in right])


def install_stand_ins():
    tf = _module('transformers', __version__='4.37.2')
    tf.__path__ = []
    outputs = _module(
        'transformers.modeling_outputs',
        BaseModelOutput=_record('BaseModelOutput', 'last_hidden_state', 'hidden_states', 'attentions'),
        BaseModelOutputWithPooling=_record('BaseModelOutputWithPooling', 'last_hidden_state', 'pooler_output',
                                           'hidden_states', 'attentions'),
        BaseModelOutputWithPast=_record('BaseModelOutputWithPast', 'last_hidden_state', 'past_key_values',
                                        'hidden_states', 'attentions'),
        CausalLMOutputWithPast=_record('CausalLMOutputWithPast', 'loss', 'logits', 'past_key_values',
                                       'hidden_states', 'attentions'),
        SequenceClassifierOutputWithPast=_record('SequenceClassifierOutputWithPast', 'loss', 'logits',
                                                 'past_key_values', 'hidden_states', 'attentions'))
    utils = _module('transformers.utils', logging=types.SimpleNamespace(get_logger=lambda *_: _Logger()),
                    add_start_docstrings=_docstring, add_start_docstrings_to_model_forward=_docstring,
                    replace_return_docstrings=_docstring, ModelOutput=_Output)
    tf.__dict__.update(
        configuration_utils=_module('transformers.configuration_utils', PretrainedConfig=PretrainedConfig),
        modeling_utils=_module('transformers.modeling_utils', PreTrainedModel=PreTrainedModel),
        modeling_outputs=outputs,
        activations=_module('transformers.activations', ACT2FN={'gelu': nn.GELU(), 'silu': nn.SiLU()}),
        utils=utils, LlamaConfig=LlamaConfig, AutoConfig=None, Qwen2Config=None, AutoModel=None,
        GenerationConfig=None, LlamaForCausalLM=None, LlamaTokenizer=None, Qwen2ForCausalLM=None)
    _module('einops', rearrange=rearrange)
    _module('timm').__path__ = []
    _module('timm.models').__path__ = []
    _module('timm.models.layers', DropPath=DropPath)
    _module('peft', LoraConfig=None, get_peft_model=None)

    def parse(v):
        return tuple(int(x) for x in v.split('.'))
    _module('packaging', version=_module('packaging.version', parse=parse))


def _package(name, path):
    _module(name).__path__ = [path]


def load_reference(root):
    """Registers the reference packages without running their __init__.py (they import torchvision,
    tokenizers and the serving code), then imports the modules the cases use."""
    chat = os.path.join(root, 'internvl_chat', 'internvl')
    _package('internvl', chat)
    _package('internvl.model', os.path.join(chat, 'model'))
    _package('internvl.model.internvl_chat', os.path.join(chat, 'model', 'internvl_chat'))
    _package('internvl.model.internlm2', os.path.join(chat, 'model', 'internlm2'))
    _package('internvl.model.phi3', os.path.join(chat, 'model', 'phi3'))
    _module('internvl.model.phi3.configuration_phi3', Phi3Config=None)
    _module('internvl.model.phi3.modeling_phi3', Phi3ForCausalLM=None)
    _module('internvl.conversation',
            get_conv_template=lambda name: types.SimpleNamespace(name=name, system_message=''))
    # the stage-2 package under a name of its own: its 'internvl' would clash with the chat one
    _package('stage2', os.path.join(root, 'internvl_g', 'internvl', 'model', 'internvl_stage2'))
    return types.SimpleNamespace(
        vit=importlib.import_module('internvl.model.internvl_chat.modeling_intern_vit'),
        vit_config=importlib.import_module('internvl.model.internvl_chat.configuration_intern_vit'),
        chat=importlib.import_module('internvl.model.internvl_chat.modeling_internvl_chat'),
        chat_config=importlib.import_module('internvl.model.internvl_chat.configuration_internvl_chat'),
        internlm2=importlib.import_module('internvl.model.internlm2.modeling_internlm2'),
        stage2=importlib.import_module('stage2.modeling_internvl'),
        stage2_vit=importlib.import_module('stage2.modeling_intern_vit'),
        stage2_config=importlib.import_module('stage2.configuration_internvl'),
        qllama=importlib.import_module('stage2.modeling_qllama'))


# ----------------------------------------------------------------------------------------------- weights
def randomize(model, g):
    """Non-trivial weights, drawn as fixtures/internvl/README.md describes."""
    norms = set()
    for module_name, module in model.named_modules():
        if 'Norm' in type(module).__name__:
            for name, _ in module.named_parameters(recurse=False):
                norms.add(module_name + '.' + name if module_name else name)
    with torch.no_grad():
        for name, p in model.named_parameters():
            last = name.rsplit('.', 1)[-1]
            n = torch.randn(p.shape, generator=g)
            if name in norms:
                p.copy_(1 + 0.2 * n if last == 'weight' else 0.1 * n)
            elif last in ('ls1', 'ls2'):
                p.copy_(torch.rand(p.shape, generator=g) * 0.9 + 0.05)
            elif last in ('class_embedding', 'position_embedding', 'query_tokens'):
                p.copy_(0.5 * n)
            elif last == 'logit_scale':
                p.copy_(torch.rand(p.shape, generator=g) * 2 + 2)
            elif last.endswith('bias'):
                p.copy_(0.1 * n)
            elif last == 'text_projection':
                p.copy_(n / math.sqrt(p.shape[0]))
            elif 'embed_tokens' in name or 'tok_embeddings' in name:
                p.copy_(n)
            else:
                p.copy_(n / math.sqrt(int(np.prod(p.shape[1:]))))


def store(model, storage):
    """Rounds the weights to their storage type and back, so that the fp32 compute sees exactly what the
    checkpoint holds; returns the state dict in the storage type."""
    dtype = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16}[storage]
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(dtype).to(torch.float32))
    state = {k: v.to(dtype) for k, v in model.state_dict().items()}
    assert not any('rotary' in k or 'inv_freq' in k for k in state), 'rotary buffers must not be stored'
    return state


# ----------------------------------------------------------------------------------------------- safetensors
def write_safetensors(path, tensors, metadata):
    header = {'__metadata__': metadata}
    blobs, offset = [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype == torch.bfloat16:
            code, data = 'BF16', t.view(torch.int16).numpy().astype('<i2').tobytes()
        else:
            code, np_type = {torch.float32: ('F32', '<f4'), torch.float16: ('F16', '<f2'),
                             torch.int64: ('I64', '<i8')}[t.dtype]
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


def write_case(out, config, state, inputs, expected, metadata):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write('\n')
    write_safetensors(os.path.join(out, 'model.safetensors'), state, {'format': 'pt'})
    write_safetensors(os.path.join(out, 'inputs.safetensors'), inputs, metadata)
    write_safetensors(os.path.join(out, 'expected.safetensors'), expected, metadata)


# ----------------------------------------------------------------------------------------------- the cases
def vision_config(spec):
    return dict(architectures=['InternVisionModel'], num_channels=3, hidden_act='gelu', use_flash_attn=False,
                dropout=0.0, drop_path_rate=0.0, attention_dropout=0.0, initializer_range=0.02,
                initializer_factor=0.1, **spec)


STORAGE_NAMES = {'F32': 'float32', 'F16': 'float16', 'BF16': 'bfloat16'}


# InternViT ---------------------------------------------------------------------------------------------------
def vision_build(ref, config_dict):
    config = ref.vit_config.InternVisionConfig(**config_dict)
    model = ref.vit.InternVisionModel(config)
    assert not ref.vit.has_flash_attn and not any(l.attn.use_flash_attn for l in model.encoder.layers)
    return config, model


def vision_expected(model, inputs):
    """Every tensor of every input: all hidden states at the native grid, and at other grids the output, the
    embeddings and the position embedding as the forward interpolates it (CLS + resized grid)."""
    expected = {}
    with torch.no_grad():
        for key, pixels in inputs.items():
            variant = key[len('pixel_values'):].lstrip('_')
            prefix = variant + '_' if variant else ''
            out = model(pixel_values=pixels, output_hidden_states=True, return_dict=True)
            expected[prefix + 'last_hidden_state'] = out.last_hidden_state
            expected[prefix + 'pooler_output'] = out.pooler_output
            if variant:
                emb = model.embeddings
                p = model.config.patch_size
                expected[prefix + 'position_embedding'] = torch.cat([
                    emb.position_embedding[:, :1, :],
                    emb._get_pos_embed(emb.position_embedding[:, 1:, :], pixels.shape[2] // p,
                                       pixels.shape[3] // p)], dim=1)
                expected[prefix + 'hidden_states.0'] = out.hidden_states[0]
            else:
                for i, h in enumerate(out.hidden_states):
                    expected['hidden_states.%d' % i] = h
    return expected


def vision_case(ref, spec, g):
    config, model = vision_build(ref, vision_config(spec['vision']) | {
        'torch_dtype': STORAGE_NAMES[spec['storage']]})
    randomize(model, g)
    state = store(model, spec['storage'])
    model.eval()
    inputs = {key: torch.randn(batch, 3, height, width, generator=g)
              for key, (batch, height, width) in spec['inputs'].items()}
    metadata = {'reference': 'internvl_chat/internvl/model/internvl_chat/modeling_intern_vit.py:InternVisionModel',
                'attention_path': 'InternAttention._naive_attn', 'weights_storage': spec['storage']}
    return clean(config.to_dict()), state, inputs, vision_expected(model, inputs), metadata


# InternVL-C/-G -----------------------------------------------------------------------------------------------
def contrastive_build(ref, config_dict):
    config = ref.stage2_config.InternVLConfig(**config_dict)
    c = ref.stage2.InternVL_C(config)
    vision_width = config.vision_config.hidden_size
    for layer in c.qllama.model.layers:
        if layer.cross_attn is not None:  # the reference hard-codes InternViT-6B's width 3200
            x = layer.cross_attn
            x.vision_hidden_size = vision_width
            x.k_proj = nn.Linear(vision_width, x.num_heads * x.head_dim, bias=False)
            x.v_proj = nn.Linear(vision_width, x.num_heads * x.head_dim, bias=False)
            x.norm2 = ref.qllama.LlamaRMSNorm(vision_width, eps=config.qllama_config.rms_norm_eps)
    assert not any(l.attn.use_flash_attn for l in c.vision_model.encoder.layers)
    assert ref.qllama.LlamaRMSNorm.__module__ == 'stage2.modeling_qllama'  # not apex
    return config, c


def contrastive_expected(ref, config, c, inputs):
    """InternVL-C and -G (one set of weights) on the images and texts, and the first forward of
    InternVLModel.generate() on the caption prefixes, as qllama.generate() runs it."""
    g = ref.stage2.InternVL_G(config)
    for layer, source in zip(g.qllama.model.layers, c.qllama.model.layers):
        layer.cross_attn = copy.deepcopy(source.cross_attn)
    g.load_state_dict(c.state_dict())
    g.eval()
    pixels, text = inputs['pixel_values'], inputs['text_input_ids']
    prefix, prefix_mask = inputs['caption_prefix_ids'], inputs['caption_attention_mask']
    nq = config.num_query_token
    with torch.no_grad():
        logits_c = c(pixels, text)
        logits_g = g(pixels, text)
        image_embeds = g.vision_model(pixel_values=pixels, return_dict=True)[0]
        input_embeds = torch.cat([g.query_tokens.repeat(pixels.shape[0], 1, 1),
                                  g.get_input_embeddings()(prefix)], dim=1)
        attention = torch.cat([torch.ones(pixels.shape[0], nq, dtype=torch.long), prefix_mask], dim=1)
        step = g.qllama.prepare_inputs_for_generation(
            prefix[:, :0], past_key_values=None, attention_mask=attention, inputs_embeds=input_embeds,
            vision_hidden_states=image_embeds, use_zero_attention_mask=True, use_cache=True)
        caption_logits = g.qllama(**step, return_dict=True).logits[:, nq:]
        return {
            'vision_last_hidden_state': c.vision_model(pixel_values=pixels, output_hidden_states=False,
                                                       return_dict=True).last_hidden_state,
            'image_embeds_c': c.encode_image(pixels),
            'text_embeds': c.encode_text(text),
            'text_last_hidden_state': c.get_text_features(text, text > 0, return_dict=True),
            'logits_per_image_c': logits_c[0], 'logits_per_text_c': logits_c[1],
            'qllama_query_hidden_state': c.get_image_features(pixels, return_dict=True)[1],
            'image_embeds_g': g.encode_image(pixels),
            'logits_per_image_g': logits_g[0], 'logits_per_text_g': logits_g[1],
            'caption_logits': caption_logits,
            'caption_next_token_logits': caption_logits[:, -1],
            'caption_position_ids': step['position_ids'],
        }


def contrastive_case(ref, spec, g):
    qllama = dict(architectures=['LlamaForCausalLM'], hidden_act='silu', pad_token_id=0, bos_token_id=1,
                  eos_token_id=2, **spec['qllama'])
    config, c = contrastive_build(ref, dict(
        vision_config=vision_config(spec['vision']), qllama_config=qllama, clip_embed_dim=spec['clip_embed_dim'],
        attn_pool_num_heads=spec['attn_pool_num_heads'], num_query_token=96,
        cross_attention_frequency=spec['cross_attention_frequency'], architectures=['InternVLModel'],
        torch_dtype='float32'))
    assert all(l.cross_attn is not None for l in c.qllama.model.layers)
    randomize(c, g)
    state = store(c, spec['storage'])
    c.eval()
    side = config.vision_config.image_size
    vocab = config.qllama_config.vocab_size
    text = torch.zeros(len(spec['texts']), max(spec['texts']), dtype=torch.long)
    for i, n in enumerate(spec['texts']):  # right padding with id 0
        text[i, :n] = torch.randint(3, vocab, (n,), generator=g)
    inputs = {'pixel_values': torch.randn(spec['images'], 3, side, side, generator=g), 'text_input_ids': text}
    inputs['caption_prefix_ids'] = torch.randint(3, vocab, spec['caption_prefix'], generator=g)
    inputs['caption_attention_mask'] = torch.ones_like(inputs['caption_prefix_ids'])
    metadata = {'reference': 'internvl_g/internvl/model/internvl_stage2/modeling_internvl.py:InternVL_C,InternVL_G',
                'attention_path': 'InternAttention._naive_attn + QLLaMA eager attention'}
    out = clean(config.to_dict())
    # to_dict() leaves the top-level cross_attention_frequency out; the reference's __init__ would then
    # overwrite the qllama_config value with its default on reload, so the config carries it in both places
    out['cross_attention_frequency'] = spec['cross_attention_frequency']
    return out, state, inputs, contrastive_expected(ref, config, c, inputs), metadata


# InternVL-Chat -----------------------------------------------------------------------------------------------
def chat_build(ref, config_dict):
    config = ref.chat_config.InternVLChatConfig(**config_dict)
    model = ref.chat.InternVLChatModel(config)
    assert config.llm_config.attn_implementation == 'eager' and not config.vision_config.use_flash_attn
    assert all(type(l.attention).__name__ == 'InternLM2Attention' for l in model.language_model.model.layers)
    assert ref.internlm2.InternLM2RMSNorm.__module__ == 'internvl.model.internlm2.modeling_internlm2'
    return config, model


def chat_expected(model, inputs):
    """InternVLChatModel.forward on the prompt, with its intermediate tensors captured where the reference
    computes them: the input and output of mlp1 and the embeddings handed to the language model."""
    model.img_context_token_id = int(inputs['img_context_token_id'])
    captured = {}
    hook = model.mlp1.register_forward_hook(
        lambda m, args, out: captured.update(pixel_shuffle_output=args[0], vit_embeds=out))
    forward = model.language_model.forward

    def language_model(*args, **kwargs):
        captured['inputs_embeds'] = kwargs['inputs_embeds']
        return forward(*args, **kwargs)
    model.language_model.forward = language_model
    try:
        with torch.no_grad():
            vision = model.vision_model(pixel_values=inputs['pixel_values'], output_hidden_states=True,
                                        return_dict=True)
            logits = model(pixel_values=inputs['pixel_values'], input_ids=inputs['input_ids'],
                           attention_mask=inputs['attention_mask'], image_flags=inputs['image_flags'],
                           return_dict=True).logits
    finally:
        hook.remove()
        model.language_model.forward = forward
    select = model.select_layer
    return {'vision_selected_hidden_state': vision.last_hidden_state if select == -1
            else vision.hidden_states[select],
            'pixel_shuffle_output': captured['pixel_shuffle_output'], 'vit_embeds': captured['vit_embeds'],
            'inputs_embeds': captured['inputs_embeds'], 'logits': logits, 'next_token_logits': logits[:, -1]}


def chat_case(ref, spec, g):
    llm = dict(architectures=['InternLM2ForCausalLM'], hidden_act='silu', pad_token_id=2, bos_token_id=1,
               eos_token_id=2, tie_word_embeddings=False, rope_scaling=None, **spec['llm'])
    side = spec['vision']['image_size']
    config, model = chat_build(ref, dict(
        vision_config=vision_config(spec['vision']), llm_config=llm, select_layer=spec['select_layer'],
        force_image_size=side, downsample_ratio=0.5, template='internlm2-chat', dynamic_image_size=True,
        use_thumbnail=True, ps_version=spec['ps_version'], min_dynamic_patch=1, max_dynamic_patch=6,
        architectures=['InternVLChatModel'], torch_dtype='float32'))
    randomize(model, g)
    state = store(model, spec['storage'])
    model.eval()
    tiles = spec['tiles']
    ids = (spec['prompt_head'] + [spec['img_start']] + [spec['img_context']] * (tiles * model.num_image_token)
           + [spec['img_end']] + spec['prompt_tail'])
    inputs = {'pixel_values': torch.randn(tiles, 3, side, side, generator=g),
              'input_ids': torch.tensor([ids], dtype=torch.long)}
    inputs['attention_mask'] = torch.ones_like(inputs['input_ids'])
    inputs['image_flags'] = torch.ones(tiles, 1, dtype=torch.long)
    inputs['img_context_token_id'] = torch.tensor(spec['img_context'], dtype=torch.long)
    metadata = {'reference': 'internvl_chat/internvl/model/internvl_chat/modeling_internvl_chat.py:InternVLChatModel',
                'attention_path': 'InternAttention._naive_attn + InternLM2Attention (eager)',
                'img_context_token_id': str(spec['img_context']), 'img_start_token_id': str(spec['img_start']),
                'img_end_token_id': str(spec['img_end']), 'num_image_token': str(model.num_image_token)}
    return clean(config.to_dict()), state, inputs, chat_expected(model, inputs), metadata


# reading a case back -----------------------------------------------------------------------------------------
def read_safetensors(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    header.pop('__metadata__', None)
    out = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        raw = data[begin:end]
        if info['dtype'] == 'BF16':
            t = torch.from_numpy(np.frombuffer(raw, '<i2').copy()).view(torch.bfloat16)
        else:
            t = torch.from_numpy(np.frombuffer(raw, {'F32': '<f4', 'F16': '<f2', 'I64': '<i8'}[info['dtype']]).copy())
        out[name] = t.reshape(info['shape'])
    return out


def verify(ref, case):
    """Rebuilds a case folder's model from its config.json and weights (upcast to fp32), recomputes every
    expected tensor on its inputs, and returns the largest absolute difference per tensor."""
    with open(os.path.join(case, 'config.json')) as f:
        config_dict = json.load(f)
    weights = {k: v.float() for k, v in read_safetensors(os.path.join(case, 'model.safetensors')).items()}
    inputs = read_safetensors(os.path.join(case, 'inputs.safetensors'))
    kind = config_dict['model_type']
    if kind == 'intern_vit_6b':
        _, model = vision_build(ref, config_dict)
    elif kind == 'internvl':
        config, model = contrastive_build(ref, config_dict)
    else:
        _, model = chat_build(ref, config_dict)
    model.load_state_dict(weights)
    model.eval()
    if kind == 'intern_vit_6b':
        computed = vision_expected(model, {k: v for k, v in inputs.items() if k.startswith('pixel_values')})
    elif kind == 'internvl':
        computed = contrastive_expected(ref, config, model, inputs)
    else:
        computed = chat_expected(model, inputs)
    expected = read_safetensors(os.path.join(case, 'expected.safetensors'))
    assert set(computed) == set(expected), (sorted(computed), sorted(expected))
    return {k: float((computed[k].double() - expected[k].double()).abs().max()) for k in sorted(expected)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--reference', required=True, help='checkout of OpenGVLab/InternVL')
    ap.add_argument('--out', help='the internvl/ folder of a fixture root: writes the CASES there')
    ap.add_argument('--verify', nargs='*', default=[], metavar='CASE',
                    help='case folders to recompute with the procedure of this file and compare')
    args = ap.parse_args()
    torch.set_num_threads(1)
    install_stand_ins()
    ref = load_reference(os.path.abspath(args.reference))
    build = {'vision': vision_case, 'contrastive': contrastive_case, 'chat': chat_case}
    for name, spec in CASES.items() if args.out else ():
        out = os.path.join(os.path.abspath(args.out), name)
        shutil.rmtree(out, ignore_errors=True)
        torch.manual_seed(spec['seed'])
        g = torch.Generator().manual_seed(spec['seed'])
        config, state, inputs, expected, metadata = build[spec['kind']](ref, spec, g)
        metadata.update(seed=str(spec['seed']), source=REFERENCE, torch=torch.__version__)
        expected = {k: v if v.dtype == torch.long else v.float() for k, v in expected.items()}
        write_case(out, config, state, inputs, expected, metadata)
        print(name, spec['kind'], 'weights', len(state), 'expected', len(expected))
    for case in args.verify:
        errors = verify(ref, case)
        print(os.path.basename(os.path.normpath(case)), 'worst %.3g' % max(errors.values()),
              ' '.join('%s=%.2g' % kv for kv in errors.items()))


if __name__ == '__main__':
    main()
