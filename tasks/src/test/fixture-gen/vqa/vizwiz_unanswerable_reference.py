#!/usr/bin/python3
"""VizWiz's unanswerability scores (average precision and F1 of "unanswerable"), from its own code.

Runs VQAEval.evaluate_unanswerability of VizWiz's scorer as vendored in TRI-ML/vlm-evaluation
(vlm_eval/util/evaluation/vizwiz/eval.py, read with `git show`, nothing copied), with Debian's
scikit-learn (python3-sklearn 1.2) for average_precision_score and f1_score: a question is predicted
unanswerable when its normalised prediction is "unanswerable"; AP and F1 are over "unanswerable" as
the positive class. Each set of questions is one call; the reference rounds to 2 decimals of
percent. Stand-in for imports only: tqdm.

Usage: /usr/bin/python3 vizwiz_unanswerable_reference.py [MIRROR_ROOT] \
           > ../../resources/vqa/vizwiz_unanswerable_reference.json
"""
import json
import os
import subprocess
import sys
import types

ROOT = sys.argv[1] if len(sys.argv) > 1 else 'mirrors'
TRI = os.path.join(ROOT, 'TRI-ML+vlm-evaluation/repo')

# (prediction, answerable in the annotation)
SETS = {
    'mixed': [('unanswerable', 0), ('Unanswerable.', 0), ('unsuitable', 0), ('red', 1),
              ('unanswerable', 1), ('two', 1), ('blue', 0), ('yes', 1), ('UNANSWERABLE', 1)],
    'never_predicted': [('red', 0), ('blue', 1), ('no', 1), ('3', 0)],
    'always_predicted': [('unanswerable', 0), ('unanswerable', 1), ('unanswerable.', 1)],
    'perfect': [('unanswerable', 0), ('red', 1), ('Unanswerable', 0), ('blue', 1)],
    'all_right_some_missed': [('unanswerable', 0), ('red', 0), ('blue', 1), ('green', 1)],
}


def main():
    tqdm = types.ModuleType('tqdm')
    tqdm.tqdm = lambda it, *a, **k: it
    sys.modules['tqdm'] = tqdm
    source = subprocess.check_output(
        ['git', '-C', TRI, 'show', 'HEAD:vlm_eval/util/evaluation/vizwiz/eval.py']).decode('utf-8')
    namespace = {'__name__': 'vizwiz_eval'}
    exec(compile(source, 'vizwiz_eval', 'exec'), namespace)
    out = {'source': subprocess.check_output(['git', '-C', TRI, 'rev-parse', 'HEAD']).decode().strip(),
           'sets': []}
    for name, rows in SETS.items():
        gts = {i: {'answers': [{'answer': 'x'}] * 10, 'answerable': a} for i, (_, a) in enumerate(rows)}
        res = {i: {'answer': p} for i, (p, _) in enumerate(rows)}
        evaluator = namespace['VQAEval'](gts, res, n=2)
        evaluator.evaluate_unanswerability()
        out['sets'].append({'name': name,
                            'predictions': [p for p, _ in rows],
                            'answerable': [a for _, a in rows],
                            'average_precision': evaluator.unanswerability['average_precision'],
                            'f1_score': evaluator.unanswerability['f1_score']})
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
