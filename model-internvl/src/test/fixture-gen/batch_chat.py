#!/usr/bin/env python3
"""Builds the golden fixture internvl_chat_batch: the reference InternVL-Chat's batch_chat() on two prompts of
1 and 2 tiles, greedy, on a tiny InternLM2 chat model with random weights.

Usage (PyTorch 1.13 on CPU, e.g. Debian 12's python3-torch), from this folder:

    python3 batch_chat.py --reference /path/to/InternVL --out ../resources/fixtures/internvl_chat_batch

--reference is a checkout of github.com/OpenGVLab/InternVL (commit 2410d1dbf208f0e799459aff9376e5747dbf41a2).
The model is built, randomized and stored with the procedure of internvl_cases.py (imported from this folder: its
stand-ins, chat_build, randomize, store and safetensors writer), so every layer that runs is reference code:
internvl_chat/internvl/model/internvl_chat/modeling_internvl_chat.py (InternVLChatModel.batch_chat, generate,
extract_feature) over internvl_chat/internvl/model/internlm2/modeling_internlm2.py (InternLM2ForCausalLM with
its prepare_inputs_for_generation: position ids from the attention mask under left padding), with the reference's
own conversation templates (internvl_chat/internvl/conversation.py).

Stand-ins (this file), because transformers cannot be installed here (its releases need PyTorch >= 2):

* the tokenizer: a character tokenizer (ids 3 + ord(c) % 240) that knows the special tokens the prompts use, adds
  BOS (<s>, 1) like InternLM2's and pads on the side batch_chat asks for (left) with </s> (2), as InternLM2's
  tokenizer does; the fixture holds the ids it produced, so the Java side needs no tokenizer;
* HF generate(): `greedy_generate` below is transformers 4.37.2's GenerationMixin.generate -> greedy_search for
  what batch_chat passes (inputs_embeds, attention_mask, max_new_tokens, eos_token_id, do_sample False): input_ids
  start empty, max_length = max_new_tokens, prepare_inputs_for_generation each step, the attention mask grows by a
  column of ones, a finished row gets pad_token_id (= eos_token_id when unset) from then on, and the loop ends
  when every row has finished or max_length is reached.

The seed is the first from SEED upwards whose greedy outputs stop at different steps (one prompt ends at its
<|im_end|> while the other goes on), so that the fixture checks per-sequence stopping. Output is byte-identical
on rerun.
"""
import argparse
import importlib.util
import os
import re
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import internvl_cases as cases  # noqa: E402

SEED = 7401
MAX_NEW_TOKENS = 12
NUM_PATCHES = [1, 2]
QUESTIONS = ['Describe the image.', 'What is in the second picture?']

VISION = dict(hidden_size=32, num_attention_heads=2, intermediate_size=48, num_hidden_layers=2, patch_size=8,
              image_size=32, norm_type='rms_norm', qk_normalization=True, qkv_bias=False, layer_norm_eps=1e-6)
LLM = dict(vocab_size=256, hidden_size=48, num_attention_heads=4, num_key_value_heads=2, intermediate_size=96,
           num_hidden_layers=2, rms_norm_eps=1e-6, rope_theta=10000, max_position_embeddings=512, bias=False)
SPECIAL = {'<s>': 1, '</s>': 2, '<|im_start|>': 250, '<|im_end|>': 251, '<img>': 252, '</img>': 253,
           '<IMG_CONTEXT>': 255}


class CharTokenizer:
    """What batch_chat asks of a tokenizer, for a character vocabulary with the chat special tokens."""
    bos_token_id = 1
    pad_token_id = 2

    def __init__(self):
        self.padding_side = 'right'
        self._split = re.compile('(' + '|'.join(re.escape(t) for t in SPECIAL) + ')')

    def convert_tokens_to_ids(self, token):
        return SPECIAL[token]

    def encode(self, text):
        ids = [self.bos_token_id]
        for piece in self._split.split(text):
            if piece in SPECIAL:
                ids.append(SPECIAL[piece])
            else:
                ids.extend(3 + ord(c) % 240 for c in piece)
        return ids

    def __call__(self, texts, return_tensors='pt', padding=True):
        assert return_tensors == 'pt' and padding is True
        rows = [self.encode(t) for t in texts]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            if self.padding_side == 'left':
                ids[i, width - len(r):] = torch.tensor(r)
                mask[i, width - len(r):] = 1
            else:
                ids[i, :len(r)] = torch.tensor(r)
                mask[i, :len(r)] = 1
        return {'input_ids': ids, 'attention_mask': mask}

    def batch_decode(self, sequences, skip_special_tokens=True):
        special = set(SPECIAL.values())
        return [''.join(chr(0x2460 + int(t)) for t in row if not (skip_special_tokens and int(t) in special))
                for row in sequences]


def greedy_generate(self, inputs_embeds=None, attention_mask=None, generation_config=None,
                    output_hidden_states=None, max_new_tokens=None, eos_token_id=None, do_sample=False,
                    num_beams=1, pad_token_id=None, use_cache=True):
    """transformers 4.37.2 generate() -> greedy_search for a decoder-only model given inputs_embeds."""
    assert generation_config is None and not do_sample and num_beams == 1 and use_cache
    pad_token_id = eos_token_id if pad_token_id is None else pad_token_id
    batch = inputs_embeds.shape[0]
    input_ids = torch.ones((batch, 0), dtype=torch.long)
    max_length = max_new_tokens + input_ids.shape[-1]
    kwargs = {'inputs_embeds': inputs_embeds, 'attention_mask': attention_mask, 'use_cache': True}
    past = None
    unfinished = torch.ones(batch, dtype=torch.long)
    eos = torch.tensor([eos_token_id])
    while True:
        model_inputs = self.prepare_inputs_for_generation(input_ids, past_key_values=past, **kwargs)
        outputs = self(**model_inputs, return_dict=True)
        next_token_logits = outputs.logits[:, -1, :]
        next_tokens = torch.argmax(next_token_logits, dim=-1)
        next_tokens = next_tokens * unfinished + pad_token_id * (1 - unfinished)
        input_ids = torch.cat([input_ids, next_tokens[:, None]], dim=-1)
        past = outputs.past_key_values
        mask = kwargs['attention_mask']
        kwargs['attention_mask'] = torch.cat([mask, mask.new_ones((mask.shape[0], 1))], dim=-1)
        unfinished = unfinished.mul(next_tokens.tile(eos.shape[0], 1).ne(eos.unsqueeze(1)).prod(dim=0))
        if unfinished.max() == 0 or input_ids.shape[-1] >= max_length:
            return input_ids


def load_conversation(root):
    path = os.path.join(root, 'internvl_chat', 'internvl', 'conversation.py')
    spec = importlib.util.spec_from_file_location('reference_conversation', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(ref, seed):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    llm = dict(architectures=['InternLM2ForCausalLM'], hidden_act='silu', pad_token_id=2, bos_token_id=1,
               eos_token_id=2, tie_word_embeddings=False, rope_scaling=None, **LLM)
    side = VISION['image_size']
    config, model = cases.chat_build(ref, dict(
        vision_config=cases.vision_config(VISION), llm_config=llm, select_layer=-1, force_image_size=side,
        downsample_ratio=0.5, template='internlm2-chat', dynamic_image_size=True, use_thumbnail=True,
        ps_version='v2', min_dynamic_patch=1, max_dynamic_patch=6, architectures=['InternVLChatModel'],
        torch_dtype='float32'))
    cases.randomize(model, g)
    state = cases.store(model, 'F32')
    model.eval()
    model.language_model.generate = greedy_generate.__get__(model.language_model)
    pixels = torch.randn(sum(NUM_PATCHES), 3, side, side, generator=g)
    return config, model, state, pixels


def run(model, pixels):
    """batch_chat, capturing the tokenizer's batch and the generated ids it decodes."""
    tokenizer = CharTokenizer()
    captured = {}
    generate = model.generate

    def spy(**kwargs):
        captured['input_ids'], captured['attention_mask'] = kwargs['input_ids'], kwargs['attention_mask']
        captured['eos_token_id'] = kwargs['eos_token_id']
        out = generate(**kwargs)
        captured['output_ids'] = out
        return out
    model.generate = spy
    try:
        with torch.no_grad():
            responses = model.batch_chat(tokenizer, pixels, QUESTIONS, dict(max_new_tokens=MAX_NEW_TOKENS,
                                                                            do_sample=False),
                                         num_patches_list=NUM_PATCHES)
    finally:
        del model.generate
    assert tokenizer.padding_side == 'left'
    return captured, responses


def lengths(captured):
    """Tokens before the stop token, per row."""
    out = []
    for row in captured['output_ids'].tolist():
        eos = captured['eos_token_id']
        out.append(row.index(eos) if eos in row else len(row))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--reference', required=True, help='checkout of OpenGVLab/InternVL')
    ap.add_argument('--out', required=True, help='the fixture folder to write')
    args = ap.parse_args()
    torch.set_num_threads(1)
    cases.install_stand_ins()
    root = os.path.abspath(args.reference)
    ref = cases.load_reference(root)
    ref.chat.get_conv_template = load_conversation(root).get_conv_template
    for seed in range(SEED, SEED + 2000):
        config, model, state, pixels = build(ref, seed)
        captured, responses = run(model, pixels)
        n = lengths(captured)
        if len(set(n)) == len(n) and min(n) >= 2 and min(n) < MAX_NEW_TOKENS:
            break
    else:
        raise SystemExit('no seed gives outputs that stop at different steps')
    mask = captured['attention_mask']
    assert mask[:, 0].tolist().count(0) == 1, 'one prompt is left-padded'
    inputs = {'pixel_values': pixels, 'num_patches': torch.tensor(NUM_PATCHES, dtype=torch.long),
              'input_ids': captured['input_ids'], 'attention_mask': mask,
              'img_context_token_id': torch.tensor(SPECIAL['<IMG_CONTEXT>'], dtype=torch.long),
              'eos_token_id': torch.tensor(captured['eos_token_id'], dtype=torch.long)}
    expected = {'output_ids': captured['output_ids'], 'output_lengths': torch.tensor(n, dtype=torch.long)}
    metadata = {'reference': 'internvl_chat/internvl/model/internvl_chat/modeling_internvl_chat.py:'
                             'InternVLChatModel.batch_chat',
                'generate': 'transformers 4.37.2 greedy_search (stand-in in batch_chat.py)',
                'seed': str(seed), 'source': cases.REFERENCE, 'torch': torch.__version__,
                'max_new_tokens': str(MAX_NEW_TOKENS), 'questions': ' | '.join(QUESTIONS),
                'num_image_token': str(model.num_image_token)}
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    cases.write_case(out, cases.clean(config.to_dict()), state, inputs, expected, metadata)
    print('seed', seed, 'prompt length', mask.shape[1], 'real', mask.sum(1).tolist(), 'output lengths', n)
    print('output ids', captured['output_ids'].tolist())


if __name__ == '__main__':
    main()
