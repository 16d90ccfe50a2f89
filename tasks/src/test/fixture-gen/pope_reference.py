"""POPE fixtures: replies read and scored by POPE's own evaluate.py and InternVL's eval_pope.py.

Usage: python3 pope_reference.py POPE_REPO INTERNVL_REPO OUT_JSON

POPE_REPO is a checkout of AoiDragon/POPE (its evaluate.py is run as a script, with its two
hard-coded file names set to this case's files); INTERNVL_REPO a checkout of OpenGVLab/InternVL
(internvl_chat/eval/pope/eval_pope.py is imported for eval_pope). Each case is a list of
(split, label, reply); the output holds, per case, the reading of every reply and, per split, the
confusion counts and metrics, plus InternVL's overall F1 (the mean of the splits' F1).
"""
import contextlib
import importlib.util
import io
import json
import os
import sys
import tempfile

POPE, INTERNVL, OUT = sys.argv[1:4]

REPLIES_YES_LABEL = [
    "Yes", "yes", "Yes, there is a dog in the image.", "YES", "There is a dog.",
    "Yes. No.", "Yes,no", "I think so", "", "Nope", "NO", "Yes.No there is not",
]
REPLIES_NO_LABEL = [
    "No.", "no", "There is no dog in the image.", "No, there isn't.", "not at all",
    "I do not see one", "There is not.", "No\nthere is", "It is not clear. Yes",
    "Noo", "no, no", "Yes, a cat is not present",
]


def cases():
    out = []
    # one case per split mixing every phrasing on both labels
    for split, shift in (("adversarial", 0), ("popular", 3), ("random", 7)):
        items = []
        for i, r in enumerate(REPLIES_YES_LABEL):
            items.append((split, "yes", REPLIES_YES_LABEL[(i + shift) % len(REPLIES_YES_LABEL)]))
        for i, r in enumerate(REPLIES_NO_LABEL):
            items.append((split, "no", REPLIES_NO_LABEL[(i + shift) % len(REPLIES_NO_LABEL)]))
        # a few crossed replies so every cell of the confusion matrix is filled
        items.append((split, "yes", REPLIES_NO_LABEL[shift % len(REPLIES_NO_LABEL)]))
        items.append((split, "no", REPLIES_YES_LABEL[shift % len(REPLIES_YES_LABEL)]))
        out.append(("split-" + split, items))
    out.append(("three-splits", [x for _, items in out for x in items]))
    out.append(("mostly-yes", [("random", "yes" if i % 3 else "no", "Yes" if i % 5 else "No")
                                for i in range(30)]))
    return out


def run_pope(items):
    """POPE's evaluate.py on one split's answers and labels."""
    with tempfile.TemporaryDirectory() as tmp:
        ans, lab = os.path.join(tmp, "ans.jsonl"), os.path.join(tmp, "label.jsonl")
        with open(ans, "w") as f:
            for i, (_, _, reply) in enumerate(items):
                f.write(json.dumps({"question_id": i, "answer": reply}) + "\n")
        with open(lab, "w") as f:
            for i, (_, label, _) in enumerate(items):
                f.write(json.dumps({"question_id": i, "label": label}) + "\n")
        src = open(os.path.join(POPE, "evaluate.py")).read()
        src = src.replace("ans_file = ''", "ans_file = %r" % ans, 1)
        src = src.replace("label_file = ''", "label_file = %r" % lab, 1)
        env = {"__name__": "pope_evaluate"}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(src, "evaluate.py", "exec"), env)
        return env


def load_internvl():
    path = os.path.join(INTERNVL, "internvl_chat/eval/pope/eval_pope.py")
    spec = importlib.util.spec_from_file_location("eval_pope", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


internvl = load_internvl()
result = {"family": "pope", "source": "AoiDragon/POPE evaluate.py; InternVL eval/pope/eval_pope.py",
          "cases": []}
for name, items in cases():
    splits = []
    for s, _, _ in items:
        if s not in splits:
            splits.append(s)
    per_split = {}
    f1s = []
    readings = [None] * len(items)
    for s in splits:
        idx = [i for i, x in enumerate(items) if x[0] == s]
        sub = [items[i] for i in idx]
        env = run_pope(sub)
        for k, i in enumerate(idx):
            readings[i] = env["answers"][k]["answer"]
        per_split[s] = {"TP": env["TP"], "FP": env["FP"], "TN": env["TN"], "FN": env["FN"],
                        "accuracy": env["acc"], "precision": env["precision"],
                        "recall": env["recall"], "F1": env["f1"], "yes_ratio": env["yes_ratio"]}
        # InternVL's eval_pope on the same split: same reading, its F1
        with tempfile.TemporaryDirectory() as tmp:
            lab = os.path.join(tmp, "label.jsonl")
            with open(lab, "w") as f:
                for i, (_, label, _) in enumerate(sub):
                    f.write(json.dumps({"question_id": i, "label": label}) + "\n")
            answers = [{"question_id": i, "text": r} for i, (_, _, r) in enumerate(sub)]
            with contextlib.redirect_stdout(io.StringIO()):
                f1 = internvl.eval_pope(answers, lab)
            assert abs(f1 - env["f1"]) < 1e-15, (name, s)
            assert [a["text"] for a in answers] == [readings[i] for i in idx], (name, s)
            f1s.append(f1)
    result["cases"].append({
        "name": name,
        "items": [{"split": s, "label": l, "reply": r, "reading": readings[i]}
                  for i, (s, l, r) in enumerate(items)],
        "splits": per_split,
        "F1": sum(f1s) / len(f1s),
    })

with open(OUT, "w") as f:
    json.dump(result, f, indent=1, ensure_ascii=False)
    f.write("\n")
