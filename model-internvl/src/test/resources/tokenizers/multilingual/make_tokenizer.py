"""Writes tokenizer.json: a character-level BPE tokenizer (no merges) for tests, see README.md.

With --words OUT: the same tokenizer plus the English words of the synthetic suite (captions, MMBench
questions/options/hint/instruction, captioning prompts, chat roles) as single tokens, built as BPE
merges over the character vocabulary. Every character id stays where it was (the word tokens and
their intermediate merge tokens are appended after them, ids < 990), so text outside the list still
falls back to characters. Also appends "\n" (otherwise <unk>). Written to OUT (the stage-3 word-level
experiment, training/README.md "Stage 3"), never over the shipped character tokenizer.
"""
import json
import re
import sys

zh = "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从知使点业本把性女动身猫狗照片草红色圆形蓝方块图车只张张绿黄黑白两三角小狗在上面的一只和"
zh = "".join(dict.fromkeys(zh))
ja = "".join(chr(c) for c in range(0x3041, 0x3097))  # hiragana
ru = "".join(chr(c) for c in range(0x0410, 0x0450))  # Cyrillic А..я
ar = "".join(chr(c) for c in range(0x0621, 0x064B))  # Arabic letters
ascii_ = "".join(chr(c) for c in range(33, 127))
# appended last so that every earlier id stays where it was: the synthetic suite's Chinese captions
# also use 左 右 边 (left, right, side) and 正 (正方形, square), which the list above lacked
zh_suite = "左右边正"
chars = list(dict.fromkeys(["▁"] + list(ascii_) + list(zh) + list(ja) + list(ru) + list(ar) + list(zh_suite)))
vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
for c in chars:
    vocab[c] = len(vocab)
assert len(vocab) < 990, len(vocab)
specials = {"<|im_start|>": 995, "<|im_end|>": 996, "<img>": 997, "</img>": 998, "<IMG_CONTEXT>": 999}
merges = []
if len(sys.argv) > 2 and sys.argv[1] == "--words":
    texts = [
        # SyntheticSuite captions (SceneComposer relations, Colour, Shape, sizes)
        "a large small red green blue yellow circle square triangle to the left of right above below",
        "and there is on the left right at the top at the bottom",
        # MMBench questions, hint, instruction (SyntheticSuite.mmbench, MmbenchProvider, the trainer's instruction turns)
        "What colour is the large circle? What shape is the red object? How many shapes are in the image?",
        "The picture shows flat shapes on a textured background.",
        "Answer with the option's letter from the given choices directly.",
        # captioning prompts (the trainer's caption turns), chat roles (internlm2-chat template)
        "English caption: Describe the image in one sentence.", "user assistant",
    ]
    words = list(dict.fromkeys(w for t in texts for w in re.findall(r"[A-Za-z]+|'s", t)))
    # words that also start a segment without a preceding space: after "\n", "<|im_start|>"
    bare = ["What", "How", "The", "Answer", "English", "Describe", "user", "assistant"]
    rank = {}

    def bpe(symbols):
        # the BPE model: repeatedly merge the adjacent pair of lowest rank
        symbols = list(symbols)
        while True:
            pairs = [(rank[(a, b)], i) for i, (a, b) in enumerate(zip(symbols, symbols[1:])) if (a, b) in rank]
            if not pairs:
                return symbols
            _, i = min(pairs)
            symbols[i:i + 2] = [symbols[i] + symbols[i + 1]]

    def add_word(w):
        # append merges (lowest priority) until w is one token; earlier words keep their segmentation
        while True:
            seg = bpe(w)
            if len(seg) == 1:
                return
            a, b = seg[0], seg[1]
            rank[(a, b)] = len(merges)
            merges.append(a + " " + b)
            if a + b not in vocab:
                vocab[a + b] = len(vocab)

    vocab["\n"] = len(vocab)
    for w in bare:
        add_word(w)
    for w in words:
        add_word("▁" + w)
    for w in words:
        assert bpe("▁" + w) == ["▁" + w], w
    assert len(vocab) < 990, len(vocab)
vocab.update(specials)
added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
         for t, i in [("<unk>", 0), ("<s>", 1), ("</s>", 2)] + list(specials.items())]
tok = {
    "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
    "normalizer": {"type": "Sequence", "normalizers": [
        {"type": "Prepend", "prepend": "▁"},
        {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
    "pre_tokenizer": None,
    "post_processor": {"type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
    "decoder": {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
        {"type": "ByteFallback"}, {"type": "Fuse"},
        {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
    "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
              "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": False, "ignore_merges": False,
              "vocab": vocab, "merges": merges},
}
with open(sys.argv[2] if len(sys.argv) > 2 else "tokenizer.json", "w") as f:
    json.dump(tok, f, ensure_ascii=False, indent=1)
