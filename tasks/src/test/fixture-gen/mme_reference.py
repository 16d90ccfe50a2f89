"""MME fixtures: replies scored by MME's own eval_tool/calculation.py, raw and after InternVL's
post-processing.

Usage: python3 mme_reference.py CALCULATION_PY INTERNVL_EVAL_PY OUT_JSON

CALCULATION_PY is MME's eval_tool/calculation.py (from eval_tool.zip on the Evaluation branch of
BradyFU/Awesome-Multimodal-Large-Language-Models; needs scikit-learn), imported and run on a result
folder written per case exactly as its readme asks (one <subtask>.txt per subtask, lines
image<TAB>question<TAB>answer<TAB>reply). INTERNVL_EVAL_PY is InternVL's
internvl_chat/eval/mme/eval.py, from which only the function post_processing is taken (the rest
needs a GPU model). Variant "mme" writes the reply as it is, variant "internvl" writes
post_processing(reply), as InternVL's eval.py does. The recorded per-subtask acc and acc_plus are
the dicts calculation.py computes; the scores are the ones it prints.
"""
import ast
import contextlib
import importlib.util
import io
import json
import os
import re
import sys
import tempfile

CALC, INTERNVL_EVAL, OUT = sys.argv[1:4]

spec = importlib.util.spec_from_file_location("mme_calculation", CALC)
calc = importlib.util.module_from_spec(spec)
sys_argv = sys.argv
sys.argv = [CALC]
spec.loader.exec_module(calc)
sys.argv = sys_argv

tree = ast.parse(open(INTERNVL_EVAL).read())
fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "post_processing")
ns = {"re": re}
exec(compile(ast.Module(body=[fn], type_ignores=[]), INTERNVL_EVAL, "exec"), ns)
post_processing = ns["post_processing"]

SUBTASKS = calc.eval_type_dict["Perception"] + calc.eval_type_dict["Cognition"]

RAW_REPLIES = [
    "Yes", "No", "yes, it is", "No, it isn't.", "The answer is yes", "not sure", "true",
    "False", "是", "不是", "否", "  yes", "nobody", "Y", "", "NO.", "know", "yesno", "YES",
    "no", "Yes, there is.", "There is no", "TRUE.", "是的", "否。", "noyes",
]
NEWLINE_REPLIES = ["Yes\nNo", "\nno", "n\no", "ye\ns"]


def items_for(replies, images_per_subtask, shift):
    items = []
    k = shift
    for t, task in enumerate(SUBTASKS):
        for i in range(images_per_subtask + t % 2):
            img = "%s_%d.jpg" % (task, i)
            for gt, q in (("Yes", "Is it A? Please answer yes or no."),
                          ("No", "Is it B? Please answer yes or no.")):
                items.append({"subtask": task, "image": img, "question": q, "answer": gt,
                              "reply": replies[k % len(replies)]})
                k += 7
    return items


def run(items, variant):
    recorded = []

    class Recording(calc.calculate_metrics):
        def compute_metric(self, gts, preds):
            d = super().compute_metric(gts, preds)
            recorded.append(d)
            return d

    with tempfile.TemporaryDirectory() as tmp:
        for task in SUBTASKS:
            with open(os.path.join(tmp, task + ".txt"), "w", encoding="utf-8") as f:
                for it in items:
                    if it["subtask"] == task:
                        reply = it["reply"] if variant == "mme" else post_processing(it["reply"])
                        assert "\t" not in reply and "\n" not in reply
                        print(it["image"], it["question"], it["answer"], reply, sep="\t", file=f)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            Recording().process_result(tmp)
    printed = {}
    totals = []
    for line in out.getvalue().splitlines():
        m = re.match(r"\s*(\S+)\s+score: (\S+)$", line)
        if m:
            printed[m.group(1)] = float(m.group(2))
        m = re.match(r"total score: (\S+)", line)
        if m:
            totals.append(float(m.group(1)))
    subtasks = {}
    for task, d in zip(SUBTASKS, recorded):
        subtasks[task] = {"acc": float(d["acc"]), "acc_plus": float(d["acc_plus"]),
                          "other": int(d["other_num"]), "score": printed[task]}
    return {"perception": totals[0], "cognition": totals[1], "subtasks": subtasks}


cases = [
    ("raw-replies", items_for(RAW_REPLIES, 2, 0), ["mme", "internvl"]),
    ("raw-replies-shifted", items_for(RAW_REPLIES, 3, 5), ["mme", "internvl"]),
    ("line-breaks", items_for(NEWLINE_REPLIES + RAW_REPLIES, 2, 1), ["internvl"]),
    ("all-right", [dict(it, reply=it["answer"]) for it in items_for(["x"], 2, 0)],
     ["mme", "internvl"]),
]
result = {"family": "mme", "source": "MME eval_tool/calculation.py; InternVL eval/mme/eval.py "
          "post_processing", "cases": []}
for name, items, variants in cases:
    for variant in variants:
        scores = run(items, variant)
        readings = []
        for it in items:
            reply = it["reply"] if variant == "mme" else post_processing(it["reply"])
            readings.append(calc.calculate_metrics().parse_pred_ans(reply.lower()))
        result["cases"].append({"name": name + "/" + variant, "variant": variant,
                                "items": [dict(it, reading=r) for it, r in zip(items, readings)],
                                **scores})

with open(OUT, "w", encoding="utf-8") as f:
    json.dump(result, f, indent=1, ensure_ascii=False)
    f.write("\n")
