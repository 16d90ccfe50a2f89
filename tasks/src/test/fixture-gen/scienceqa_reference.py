"""ScienceQA fixtures: replies read by LLaVA's eval_science_qa.py and by InternVL's post_process,
then scored by ScienceQA's own get_scores (accuracy per subject, context and grade).

Usage: python3 scienceqa_reference.py LLAVA_EVAL_SCIENCE_QA_PY INTERNVL_EVALUATE_SCIENCEQA_PY \
           SCIENCEQA_EVALUATE_ACC_PY OUT_JSON

LLaVA's llava/eval/eval_science_qa.py runs as a script on a base folder written per case
(problems.json, pid_splits.json) and an answers JSONL; from InternVL's
internvl_chat/eval/scienceqa/evaluate_scienceqa.py only the function post_process is taken (the
rest needs a GPU model); ScienceQA's tools/evaluate_acc.py get_scores scores the predicted option
indices, with its check that the full 4,241-question test split was answered switched off (these
cases are small). Predictions of the InternVL reading are the index of its letter, -1 when it is no
option's letter.
"""
import ast
import contextlib
import importlib.util
import io
import json
import os
import runpy
import sys
import tempfile

LLAVA, INTERNVL, SQA, OUT = sys.argv[1:5]

tree = ast.parse(open(INTERNVL).read())
fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "post_process")
ns = {}
exec(compile(ast.Module(body=[fn], type_ignores=[]), INTERNVL, "exec"), ns)
post_process = ns["post_process"]

src = open(SQA).read().replace("assert num == 4241", "pass", 1)
sqa = {"__name__": "scienceqa_evaluate_acc"}
exec(compile(src, SQA, "exec"), sqa)

REPLIES = [
    "A", "B", "C", "A. a cat", "The answer is B.", "The answer is C. The answer is A.", "(A)",
    "A cat", "I think the answer is B", "b", " A ", "E", "B.", "(B) dog", "", "dog", "Both",
    "Answer: A", "The answer is B", "C) fish", "It is a cat.", "the answer is a", "D",
    "Neither", "(C", "A.", "cat or dog",
]
SUBJECTS = ["natural science", "social science", "language science"]


def problems(n, shift):
    out = {}
    for i in range(n):
        pid = str(1000 + i)
        choices = [["cat", "dog"], ["cat", "dog", "fish"], ["Both", "cat or dog", "dog", "cat"]][i % 3]
        out[pid] = {
            "question": "Which animal is shown?",
            "choices": choices,
            "answer": (i + shift) % len(choices),
            "hint": "" if i % 4 == 0 else "A context sentence.",
            "image": None if i % 5 == 0 else "image.png",
            "task": "closed choice",
            "grade": "grade%d" % (1 + (i * 5) % 12),
            "subject": SUBJECTS[i % 3],
            "topic": "biology",
            "category": "Animals",
            "skill": "Identify animals",
            "lecture": "",
            "solution": "",
            "split": "test",
        }
    return out


def run(problems, replies):
    pids = list(problems)
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "problems.json"), "w") as f:
            json.dump(problems, f)
        with open(os.path.join(tmp, "pid_splits.json"), "w") as f:
            json.dump({"test": pids, "train": []}, f)
        answers = os.path.join(tmp, "answers.jsonl")
        with open(answers, "w") as f:
            for pid, reply in zip(pids, replies):
                if reply is not None:
                    f.write(json.dumps({"question_id": pid, "prompt": "<image>\nQ", "text": reply})
                            + "\n")
        out_file, out_result = os.path.join(tmp, "out.json"), os.path.join(tmp, "res.json")
        argv = sys.argv
        sys.argv = [LLAVA, "--base-dir", tmp, "--result-file", answers, "--output-file", out_file,
                    "--output-result", out_result]
        with contextlib.redirect_stdout(io.StringIO()):
            runpy.run_path(LLAVA, run_name="__main__")
        sys.argv = argv
        llava = json.load(open(out_result))
        parsed = {a["question_id"]: a["parsed_ans"]
                  for k in ("correct", "incorrect") for a in json.load(open(out_file))[k]}
        with contextlib.redirect_stdout(io.StringIO()):
            llava_scores = sqa["get_scores"](out_result, os.path.join(tmp, "problems.json"))
        internvl_results = {}
        letters = {}
        failures = set()
        for pid, reply in zip(pids, replies):
            p = problems[pid]
            option = {"ABCDE"[i]: c for i, c in enumerate(p["choices"])}
            try:
                letter = post_process(reply if reply is not None else "", option)
            except IndexError:
                # the script fails on this reply (a two-character reply starting with "(");
                # recorded as the stripped reply, which is no option's letter
                letter = (reply or "").strip()
                failures.add(pid)
            letters[pid] = letter
            internvl_results[pid] = "ABCDE".index(letter) if letter in option else -1
        res2 = os.path.join(tmp, "internvl.json")
        with open(res2, "w") as f:
            json.dump({"results": internvl_results}, f)
        with contextlib.redirect_stdout(io.StringIO()):
            internvl_scores = sqa["get_scores"](res2, os.path.join(tmp, "problems.json"))
    keys = ["acc_average", "acc_natural", "acc_social", "acc_language", "acc_has_text",
            "acc_has_image", "acc_no_context", "acc_grade_1_6", "acc_grade_7_12"]
    return {
        "items": [{"pid": pid, **{k: problems[pid][k] for k in
                                  ("choices", "answer", "hint", "image", "grade", "subject")},
                   "reply": reply, "llava_answer": parsed[pid],
                   "llava_index": llava["results"][pid], "internvl_letter": letters[pid],
                   "internvl_fails": pid in failures}
                  for pid, reply in zip(pids, replies)],
        "llava": {k: str(llava_scores[k]) for k in keys},
        "internvl": {k: str(internvl_scores[k]) for k in keys},
    }


cases = []
for name, n, shift in (("mixed", 27, 0), ("mixed-shifted", 40, 1), ("small", 9, 2)):
    probs = problems(n, shift)
    replies = [REPLIES[(i * 7 + shift) % len(REPLIES)] for i in range(n)]
    if name == "small":
        replies[3] = None  # no answer: LLaVA's FAILED
    cases.append({"name": name, **run(probs, replies)})

with open(OUT, "w") as f:
    json.dump({"family": "scienceqa", "source": "LLaVA llava/eval/eval_science_qa.py; InternVL "
               "eval/scienceqa/evaluate_scienceqa.py post_process; ScienceQA "
               "tools/evaluate_acc.py get_scores", "cases": cases}, f, indent=1)
    f.write("\n")
