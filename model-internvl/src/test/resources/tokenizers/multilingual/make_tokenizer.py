"""Writes tokenizer.json: a character-level BPE tokenizer (no merges) for tests, see README.md."""
import json

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
              "vocab": vocab, "merges": []},
}
with open("tokenizer.json", "w") as f:
    json.dump(tok, f, ensure_ascii=False, indent=1)
