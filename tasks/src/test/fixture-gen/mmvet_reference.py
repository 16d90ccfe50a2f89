"""MM-Vet fixtures: the grader prompts, grade parsing and score aggregation of MM-Vet's own
mm-vet_evaluator.py, with canned grader replies in place of GPT-4.

Usage: python3 mmvet_reference.py MM_VET_EVALUATOR_PY OUT_JSON

The evaluator (yuweihao/MM-Vet mm-vet_evaluator.py) is loaded as a module with a stand-in for the
openai package whose client answers each grading request from this case's list of canned replies
(in order, per sample) and records the request (prompt, max_tokens, temperature). Its runs() grades
every sample (retries included) and export_result() aggregates per capability and in total, as the
script's __main__ does, with one run (--num_run 1) and 1 decimal place.
"""
import json
import os
import sys
import tempfile
import types

EVALUATOR, OUT = sys.argv[1:3]


class RateLimitError(Exception):
    pass


class FakeClient:
    def __init__(self):
        self.replies = {}
        self.requests = []
        self.current = None

    def create(self, model, max_tokens, temperature, messages):
        prompt = messages[0]["content"]
        self.requests.append({"prompt": prompt, "max_tokens": max_tokens,
                              "temperature": temperature})
        content = self.replies[self.current].pop(0)
        msg = types.SimpleNamespace(content=content)
        return types.SimpleNamespace(model="fake-grader",
                                     choices=[types.SimpleNamespace(message=msg)])


openai = types.ModuleType("openai")
openai.OpenAI = lambda api_key=None: None
exceptions = types.ModuleType("openai._exceptions")
exceptions.RateLimitError = RateLimitError
sys.modules["openai"] = openai
sys.modules["openai._exceptions"] = exceptions
tqdm = types.ModuleType("tqdm")  # progress bars only
tqdm.tqdm = lambda it, **kw: it
sys.modules["tqdm"] = tqdm

CAPS = [["rec"], ["ocr"], ["rec", "know"], ["ocr", "math"], ["rec", "spat"], ["ocr", "spat", "math"],
        ["rec", "gen", "know"]]
QUESTIONS = [("What is shown?", "a cat"), ("What is x in the equation?", "-1<AND>-5"),
             ("What does the sign say?", "stop<OR>STOP"), ("How many?", "3"),
             ("Explain the meme.", "It jokes about names.")]
GRADER_REPLIES = [
    ["1.0"], ["0.0"], ["0.5"], ["0.7 because"], ["abc", "0.4"], ["1.5", "0.9"],
    ["x", "y", "z", "w", "v", "0.3"], [" 0.6", "0.6"], ["0.25"], ["-0.1", "1"],
]
PREDICTIONS = ["a cat", "x = -1", "STOP", "three", "", "It is about | pipes", "42"]


def case(n, shift):
    data, results, replies = {}, {}, {}
    for i in range(n):
        sid = "v1_%d" % i
        q, a = QUESTIONS[(i + shift) % len(QUESTIONS)]
        data[sid] = {"imagename": "v1_%d.png" % i, "capability": CAPS[(i * 3 + shift) % len(CAPS)],
                     "question": q, "answer": a}
        results[sid] = PREDICTIONS[(i + shift) % len(PREDICTIONS)]
        replies[sid] = list(GRADER_REPLIES[(i * 7 + shift) % len(GRADER_REPLIES)])
    return data, results, replies


def run(data, results, replies):
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "mm-vet.json"), "w") as f:
            json.dump(data, f)
        result_file = os.path.join(tmp, "model.json")
        with open(result_file, "w") as f:
            json.dump(results, f)
        ev = {"__name__": "mm_vet_evaluator"}
        exec(compile(open(EVALUATOR).read(), EVALUATOR, "exec"), ev)
        args = types.SimpleNamespace(mmvet_path=tmp, result_file=result_file, result_path=tmp,
                                     gpt_model="gpt-4-0613", prompt=ev["prompt"],
                                     use_sub_set=False, decimal_places=1, num_run=1)
        client = FakeClient()
        client.replies = {k: list(v) for k, v in replies.items()}
        completions = types.SimpleNamespace(create=None)
        ev["client"] = types.SimpleNamespace(chat=types.SimpleNamespace(completions=completions))
        (sub_set, sub_set_name, data_, counter, cap_set_list, cap_set_counter, len_data, df, df2,
         cap_set_names) = ev["load_metadata"](args)
        grade_file, cap_score_file, cap_int_score_file = ev["get_file_names"](args, "model",
                                                                             sub_set_name)
        ev.update(sub_set=sub_set, counter=counter, cap_set_list=cap_set_list, len_data=len_data,
                  cap_score_file=cap_score_file, cap_int_score_file=cap_int_score_file)
        # requests are recorded per sample: runs() visits samples in mm-vet.json order
        per_sample = {}
        original = client.create

        def tracking(**kw):
            before = len(client.requests)
            r = original(**kw)
            per_sample.setdefault(client.current, []).append(client.requests[before])
            return r

        completions.create = tracking
        # runs() grades the samples in mm-vet.json order; a request without the retry suffix
        # starts the next sample
        order = iter(list(data_.keys()))

        def creator(**kw):
            content = kw["messages"][0]["content"]
            if not content.endswith("Predict the correctness of the answer (digit): "):
                client.current = next(order)
            return tracking(**kw)

        completions.create = creator
        grade_results = ev["runs"](args, grade_file, data_, len_data, sub_set)
        df, df2 = ev["export_result"](args, "model", df, df2, grade_results, data_,
                                      cap_set_counter, cap_set_names)
        row = df.loc["model"].to_dict()
        row2 = df2.loc["model"].to_dict()
    return {
        "grader_prompt": args.prompt,
        "samples": [{"id": k, **data[k], "prediction": results[k], "grader_replies": replies[k],
                     "requests": per_sample[k], "score": grade_results[k]["score"][0],
                     "content": grade_results[k]["content"][0]} for k in data],
        "capabilities": {k: float(v) for k, v in row.items() if k not in ("std", "runs")},
        "capability_sets": {k: float(v) for k, v in row2.items() if k not in ("std", "runs")},
    }


cases = []
for name, n, shift in (("mixed", 20, 0), ("shifted", 13, 3)):
    cases.append({"name": name, **run(*case(n, shift))})
with open(OUT, "w") as f:
    json.dump({"family": "mmvet", "source": "yuweihao/MM-Vet mm-vet_evaluator.py", "cases": cases},
              f, indent=1)
    f.write("\n")
