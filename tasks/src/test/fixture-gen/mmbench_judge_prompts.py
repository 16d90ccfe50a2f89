#!/usr/bin/env python3
"""MMBench judge prompts from VLMEvalKit's own functions (vlmeval/dataset/utils/multiple_choice.py).

Nothing of VLMEvalKit is copied here: the functions build_prompt, build_prompt_cn (from
vlmeval/dataset/utils/multiple_choice.py), build_option_str (vlmeval/smp/vlm.py) and cn_string
(vlmeval/smp/misc.py) are read from a checkout, taken out of their modules by name (ast) and
executed with a stand-in for the one pandas call they make (pd.isna, on strings here); the
prompt for each case is chosen as extract_answer_from_item chooses it (cn_string(question) picks
the Chinese template).

prompts.json
    For each case: the question, the choices (letter to text, in order), the model's reply, and
    the prompt VLMEvalKit sends its judge.

Usage (/usr/bin/python3, no third-party packages):
    /usr/bin/python3 mmbench_judge_prompts.py <VLMEvalKit checkout> ../resources/mmbench-judge
"""

import ast
import json
import math
import os
import sys
import types


def functions(path, names):
    source = open(path, encoding="utf-8").read()
    tree = ast.parse(source)
    picked = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]
    missing = set(names) - {n.name for n in picked}
    if missing:
        raise SystemExit(f"{path}: no function(s) {sorted(missing)}")
    return ast.Module(body=picked, type_ignores=[])


def main(repo, out):
    pd = types.SimpleNamespace(isna=lambda x: x is None or (isinstance(x, float) and math.isnan(x)))
    scope = {"pd": pd}
    for path, names in [
        ("vlmeval/smp/misc.py", ["cn_string"]),
        ("vlmeval/smp/vlm.py", ["build_option_str"]),
        ("vlmeval/dataset/utils/multiple_choice.py", ["build_prompt", "build_prompt_cn"]),
    ]:
        exec(compile(functions(os.path.join(repo, path), names), path, "exec"), scope)
    cases = [
        ("What is the main colour of the shape?", {"A": "red", "B": "green", "C": "blue", "D": "yellow"},
         "I would say it looks mostly crimson."),
        ("Which object is on the left", {"A": "a circle", "B": "a square"}, "Hard to tell {} really"),
        ("How many triangles are there?", {"A": "1", "B": "2", "C": "3"}, ""),
        ("图中最主要的颜色是什么？", {"A": "红色", "B": "绿色", "C": "蓝色", "D": "黄色"}, "我觉得是红的"),
        ("Pick the odd one out: {0}?", {"A": "cat", "B": "dog", "C": "car", "D": "cow"},
         "The vehicle,\nsince the others are animals."),
    ]
    results = []
    for question, choices, prediction in cases:
        option_str = scope["build_option_str"](choices)
        if scope["cn_string"](question):
            prompt = scope["build_prompt_cn"](question, option_str, prediction)
        else:
            prompt = scope["build_prompt"](question, option_str, prediction)
        results.append({"question": question, "choices": choices, "prediction": prediction, "prompt": prompt})
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "prompts.json"), "w", encoding="utf-8") as f:
        json.dump({"source": "open-compass/VLMEvalKit", "cases": results}, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
