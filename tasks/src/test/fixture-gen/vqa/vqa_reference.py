#!/usr/bin/env python3
"""Reference scores of the VQA-family scorers on awkward answers, from the scorers' own code.

Scorer variants (the names VqaScorer uses) and the code that computes them here:

  vqa-2016         GT-Vision-Lab/VQA PythonEvaluationTools/vqaEvaluation/vqaEval.py at a4f1afd
                   (2017, "updated for v2.0", the parent of the 2021 fix), run by Python 2.7
  vqa-2021         the same file at a013f00 (2021-03-11, "Fixed processing answers bug"), Python 2.7
  m4c              InternVL internvl_chat/eval/vqa/textvqa_eval.py TextVQAAccuracyEvaluator (what
                   evaluate_vqa.py scores VQAv2/TextVQA/VizWiz val with); LLaVA's
                   llava/eval/m4c_evaluator.py is checked to give the same score on every case
  vizwiz           VizWiz's VQAEval as vendored in TRI-ML/vlm-evaluation
                   vlm_eval/util/evaluation/vizwiz/eval.py
  evalai+vqa-2021  LLaVA's VQAv2 path: scripts/convert_vqav2_for_submission.py applies
                   EvalAIAnswerProcessor (m4c_evaluator.py) to the prediction, the server then
                   runs the VQA API (taken as its current version)
  evalai+vizwiz    LLaVA's VizWiz path: convert_vizwiz_for_submission.py, then VizWiz's scorer
  gqa              GQA's eval.py (as vendored in TRI-ML/vlm-evaluation
                   vlm_eval/util/evaluation/gqa/eval.py), run as a script on a questions file and a
                   predictions file; predictions first pass through LLaVA's
                   scripts/convert_gqa_for_eval.py rule (rstrip('.').lower()), written by the
                   generator as the 'converted' prediction

Mirrors are read with `git show COMMIT:PATH` (a folder holding OWNER+NAME git mirrors); nothing is
copied. Stand-ins, for imports only: tqdm (identity), sklearn.metrics (never called: only
evaluate(), not evaluate_unanswerability(), runs).

Usage: python3 vqa_reference.py [MIRROR_ROOT] > ../../resources/vqa/vqa_reference.json
       (MIRROR_ROOT default ./mirrors; Python 2.7 is run as `PYENV_VERSION=2.7.18 python2`)
"""

import json
import os
import runpy
import subprocess
import sys
import tempfile
import types

ROOT = sys.argv[1] if len(sys.argv) > 1 else 'mirrors'
VQA = os.path.join(ROOT, 'GT-Vision-Lab+VQA/repo')
LLAVA = os.path.join(ROOT, 'haotian-liu+LLaVA/repo')
INTERNVL = os.path.join(ROOT, 'OpenGVLab+InternVL/repo')
TRI = os.path.join(ROOT, 'TRI-ML+vlm-evaluation/repo')
VQA_2016 = 'a4f1afd'
VQA_2021 = 'a013f00'


def show(repo, rev, path):
    return subprocess.check_output(['git', '-C', repo, 'show', rev + ':' + path]).decode('utf-8')


def stub_imports():
    tqdm = types.ModuleType('tqdm')
    tqdm.tqdm = lambda it, *a, **k: it
    sys.modules['tqdm'] = tqdm
    sklearn = types.ModuleType('sklearn')
    metrics = types.ModuleType('sklearn.metrics')
    metrics.average_precision_score = None
    metrics.f1_score = None
    sklearn.metrics = metrics
    sys.modules['sklearn'] = sklearn
    sys.modules['sklearn.metrics'] = metrics


def load(source, name):
    module = types.ModuleType(name)
    exec(compile(source, name, 'exec'), module.__dict__)
    return module


def ten(*groups):
    """ten(('a', 3), ('b', 7)) -> ['a', 'a', 'a', 'b', ...]"""
    out = []
    for answer, n in groups:
        out += [answer] * n
    assert len(out) == 10, out
    return out


# (prediction, answers, answer_type, question_type)
CASES = [
    # all ten answers agree: the 2016 and 2021 API differ here
    ('two', ten(('two', 10)), 'number', 'how many'),
    ('2', ten(('two', 10)), 'number', 'how many'),
    ('Two', ten(('2', 10)), 'number', 'how many'),
    ('yes', ten(('Yes', 10)), 'yes/no', 'is the'),
    ('Yes', ten(('yes', 10)), 'yes/no', 'is the'),
    ('yes.', ten(('yes', 10)), 'yes/no', 'is the'),
    ('yes', ten(('yes', 10)), 'yes/no', 'is the'),
    ('The Dog', ten(('the dog', 10)), 'other', 'what is the'),
    ('dog', ten(('the dog', 10)), 'other', 'what is the'),
    ('hot\u00a0dog', ten(('hot dog', 10)), 'other', 'what is the'),
    ('  dog\n', ten(('dog ', 3), ('dog', 7)), 'other', 'what is the'),
    ('ten', ten(('10', 10)), 'number', 'how many'),
    ('t-shirt', ten(('t-shirt', 10)), 'other', 'what is the'),
    # contractions
    ('dont', ten(("don't", 4), ('no', 6)), 'other', 'what is the'),
    ("don't", ten(('dont', 4), ('no', 6)), 'other', 'what is the'),
    ('isnt', ten(("isn't", 3), ('no', 4), ('yes', 3)), 'yes/no', 'is the'),
    ('whats', ten(("what's", 5), ('what', 5)), 'other', 'what'),
    ('dont', ten(('don\u2019t', 4), ("don't", 4), ('no', 2)), 'other', 'what is the'),
    ('cant', ten(('can\u2019t', 5), ('no', 5)), 'other', 'what is the'),
    ("it's", ten(('its', 5), ("it's", 5)), 'other', 'what'),
    ("man's", ten(('mans', 3), ("man's", 4), ('man', 3)), 'other', 'whose'),
    # number words
    ('two', ten(('2', 5), ('two', 3), ('3', 2)), 'number', 'how many'),
    ('Two', ten(('2', 5), ('Two', 3), ('3', 2)), 'number', 'how many'),
    ('none', ten(('0', 4), ('none', 6)), 'number', 'how many'),
    ('zero', ten(('0', 4), ('none', 6)), 'number', 'how many'),
    ('one', ten(('1', 1), ('one', 9)), 'number', 'how many'),
    ('eleven', ten(('11', 6), ('eleven', 4)), 'number', 'how many'),
    # punctuation
    ('t-shirt', ten(('t shirt', 3), ('tshirt', 3), ('t-shirt', 4)), 'other', 'what is the'),
    ('t shirt', ten(('t shirt', 3), ('tshirt', 3), ('t-shirt', 4)), 'other', 'what is the'),
    ('red, white', ten(('red white', 4), ('red and white', 4), ('red, white', 2)), 'other', 'what color'),
    ('red,white', ten(('red white', 4), ('red and white', 4), ('redwhite', 2)), 'other', 'what color'),
    ('1,000', ten(('1000', 4), ('1,000', 3), ('one thousand', 3)), 'number', 'how many'),
    ('1,,2', ten(('12', 4), ('1 2', 3), ('1,,2', 3)), 'number', 'what number'),
    ('3.5', ten(('3.5', 5), ('3', 5)), 'number', 'what number'),
    ('mr. smith', ten(('mr smith', 5), ('smith', 5)), 'other', 'who'),
    ('yes' + '.' * 40, ten(('yes', 9), ('no', 1)), 'yes/no', 'is the'),
    ('black/white', ten(('black and white', 5), ('black/white', 2), ('black white', 3)), 'other', 'what color'),
    ('black / white', ten(('black and white', 5), ('black/white', 2), ('black white', 3)), 'other', 'what color'),
    ('yes!', ten(('yes', 8), ('no', 2)), 'yes/no', 'is the'),
    ('(a) dog', ten(('dog', 6), ('a dog', 4)), 'other', 'what is the'),
    ('what?', ten(('what', 3), ('nothing', 7)), 'other', 'what'),
    ('"stop"', ten(('stop', 6), ('stop sign', 4)), 'other', 'what does the'),
    # articles
    ('a dog', ten(('dog', 6), ('the dog', 2), ('dogs', 2)), 'other', 'what is the'),
    ('an apple', ten(('apple', 3), ('apples', 7)), 'other', 'what is the'),
    ('the', ten(('the', 2), ('nothing', 8)), 'other', 'what is the'),
    # unanswerable (VizWiz)
    ('unanswerable', ten(('unanswerable', 7), ('unsuitable', 3)), 'unanswerable', 'unanswerable'),
    ('Unanswerable', ten(('unanswerable', 10)), 'unanswerable', 'unanswerable'),
    ('unanswerable.', ten(('unanswerable', 10)), 'unanswerable', 'unanswerable'),
    ('unsuitable image', ten(('unsuitable image', 2), ('unanswerable', 5), ('unsuitable', 3)), 'unanswerable', 'unanswerable'),
    ('Unanswerable', ten(('unanswerable', 2), ('blue', 8)), 'other', 'what color'),
    # case and whitespace
    ('DOG', ten(('Dog', 2), ('dog', 8)), 'other', 'what is the'),
    ('Dog', ten(('Dog', 2), ('cat', 8)), 'other', 'what is the'),
    ('dog\tfood', ten(('dog food', 6), ('food', 4)), 'other', 'what is the'),
    ('dog  food', ten(('dog food', 6), ('dog  food', 4)), 'other', 'what is the'),
    ('', ten(('blue', 6), ('', 4)), 'other', 'what color'),
    ('blue', ten(('blue', 2), ('navy', 8)), 'other', 'what color'),
    ('blue', ten(('blue', 3), ('navy', 7)), 'other', 'what color'),
    ('blue', ten(('blue', 4), ('navy', 6)), 'other', 'what color'),
    ('blue', ten(('blue', 1), ('navy', 9)), 'other', 'what color'),
    ('green', ten(('blue', 4), ('navy', 6)), 'other', 'what color'),
]

# (prediction, gold answer, structural type, semantic type)
GQA_CASES = [
    ('yes', 'yes', 'verify', 'rel'),
    ('Yes.', 'yes', 'verify', 'attr'),
    ('no', 'yes', 'logical', 'obj'),
    ('left', 'left', 'choose', 'rel'),
    ('The table', 'table', 'query', 'cat'),
    ('table.', 'table', 'query', 'cat'),
    ('table ', 'table', 'query', 'rel'),
    ('white', 'white', 'query', 'attr'),
    ('t-shirt', 't-shirt', 'query', 'cat'),
    ('two', '2', 'compare', 'attr'),
    ('indoors', 'indoors', 'query', 'global'),
    ('Outdoors..', 'outdoors', 'query', 'global'),
]


def vqa_api(rev, cases, normalize=()):
    payload = json.dumps({'source': show(VQA, rev, 'PythonEvaluationTools/vqaEvaluation/vqaEval.py'),
                          'cases': cases, 'normalize': list(normalize)})
    env = dict(os.environ, PYENV_VERSION='2.7.18')
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run(['python2', os.path.join(here, 'vqa_api_py2.py')], input=payload.encode('utf-8'),
                         stdout=subprocess.PIPE, env=env, check=True).stdout
    return json.loads(out.decode('utf-8'))


def means(values, cases, key):
    groups = {}
    for case in cases:
        groups.setdefault(case[key], []).append(values[case['id']])
    return {k: sum(v) / len(v) for k, v in groups.items()}


def main():
    stub_imports()
    internvl = load(show(INTERNVL, 'HEAD', 'internvl_chat/eval/vqa/textvqa_eval.py'), 'textvqa_eval')
    llava = load(show(LLAVA, 'HEAD', 'llava/eval/m4c_evaluator.py'), 'm4c_evaluator')
    vizwiz = load(show(TRI, 'HEAD', 'vlm_eval/util/evaluation/vizwiz/eval.py'), 'vizwiz_eval')

    cases = [{'id': 1000 + i, 'prediction': p, 'answers': a, 'answer_type': t, 'question_type': q}
             for i, (p, a, t, q) in enumerate(CASES)]
    scores = {name: {} for name in ['vqa-2016', 'vqa-2021', 'm4c', 'vizwiz', 'evalai+vqa-2021', 'evalai+vizwiz']}
    accuracy = {}

    for name, rev in [('vqa-2016', VQA_2016), ('vqa-2021', VQA_2021)]:
        out = vqa_api(rev, cases)
        for case in cases:
            scores[name][case['id']] = out['per_case'][str(case['id'])]
        accuracy[name] = out['accuracy']

    processor = llava.EvalAIAnswerProcessor()
    evalai = [dict(case, prediction=processor(case['prediction'])) for case in cases]
    out = vqa_api(VQA_2021, evalai)
    for case in cases:
        scores['evalai+vqa-2021'][case['id']] = out['per_case'][str(case['id'])]
    accuracy['evalai+vqa-2021'] = out['accuracy']

    for case in cases:
        entry = {'pred_answer': case['prediction'], 'gt_answers': list(case['answers'])}
        ours = internvl.TextVQAAccuracyEvaluator().eval_pred_list([dict(entry)])
        theirs = llava.TextVQAAccuracyEvaluator().eval_pred_list([dict(entry)])
        assert ours == theirs, (case, ours, theirs)
        scores['m4c'][case['id']] = ours

    for name, source in [('vizwiz', cases), ('evalai+vizwiz', evalai)]:
        gts = {c['id']: {'answers': [{'answer': a} for a in c['answers']], 'answerable': 1} for c in source}
        res = {c['id']: {'answer': c['prediction']} for c in source}
        evaluator = vizwiz.VQAEval(gts, res, n=2)
        evaluator.updateProgress = lambda progress: None
        stdout = sys.stdout
        sys.stdout = sys.stderr
        try:
            evaluator.evaluate()
        finally:
            sys.stdout = stdout
        for c in source:
            # evalQA keeps round(100 * acc, 2); every accuracy here is a multiple of 1/30, so the
            # division is exact to the float the unrounded value has only when recomputed: keep both
            scores[name][c['id']] = evaluator.evalQA[c['id']] / 100.0
        accuracy[name] = {'overall': evaluator.accuracy['overall']}

    for name in scores:
        if name in ('vizwiz', 'evalai+vizwiz'):
            continue
        per_type = means(scores[name], cases, 'answer_type')
        accuracy.setdefault(name, {})['perAnswerTypeUnrounded'] = per_type
    for name in ('m4c', 'vizwiz', 'evalai+vizwiz'):
        values = [scores[name][c['id']] for c in cases]
        accuracy[name]['overallUnrounded'] = sum(values) / len(values)

    # every contraction key, number word and article of each scorer's tables, through each
    # scorer's normalisation (the tables themselves stay in the scorers' code)
    viz = vizwiz.VQAEval({}, {})
    texts = sorted(set(list(llava.EvalAIAnswerProcessor.CONTRACTIONS) + list(viz.contractions)
                       + list(viz.manualMap) + ['A Dog', 'AN', 'The end', 'Whats Up', 'I\u2019m', "I'm"]))
    normalized = []
    api = vqa_api(VQA_2021, cases, texts)['normalized']
    for text, vqa_text in zip(texts, api):
        normalized.append({'input': text, 'vqa': vqa_text, 'evalai': processor(text),
                           'vizwiz': viz.processDigitArticle(viz.processPunctuation(text))})

    gqa = run_gqa(llava)
    json.dump({
        'sources': {
            'GT-Vision-Lab/VQA': {'vqa-2016': VQA_2016, 'vqa-2021': VQA_2021},
            'haotian-liu/LLaVA': subprocess.check_output(['git', '-C', LLAVA, 'rev-parse', 'HEAD']).decode().strip(),
            'OpenGVLab/InternVL': subprocess.check_output(['git', '-C', INTERNVL, 'rev-parse', 'HEAD']).decode().strip(),
            'TRI-ML/vlm-evaluation': subprocess.check_output(['git', '-C', TRI, 'rev-parse', 'HEAD']).decode().strip(),
        },
        'variants': sorted(scores),
        'cases': [dict(c, scores={name: scores[name][c['id']] for name in sorted(scores)},
                       evalai=e['prediction']) for c, e in zip(cases, evalai)],
        'accuracy': accuracy,
        'normalized': normalized,
        'gqa': gqa,
    }, sys.stdout, indent=1, ensure_ascii=False, sort_keys=True)
    sys.stdout.write('\n')


def run_gqa(llava):
    questions = {}
    predictions = []
    cases = []
    for i, (pred, gold, structural, semantic) in enumerate(GQA_CASES):
        qid = '20%05d' % i
        converted = pred.rstrip('.').lower()  # LLaVA scripts/convert_gqa_for_eval.py
        questions[qid] = {'question': 'q %d ?' % i, 'answer': gold, 'isBalanced': True,
                          'types': {'structural': structural, 'semantic': semantic, 'detailed': 'x'},
                          'semantic': [], 'groups': {'global': semantic, 'local': None}}
        predictions.append({'questionId': qid, 'prediction': converted})
        cases.append({'id': qid, 'prediction': pred, 'converted': converted, 'answer': gold,
                      'structural': structural, 'semantic': semantic})
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, 'q.json'), 'w') as f:
            json.dump(questions, f)
        with open(os.path.join(tmp, 'p.json'), 'w') as f:
            json.dump(predictions, f)
        script = os.path.join(tmp, 'eval.py')
        with open(script, 'w') as f:
            f.write(show(TRI, 'HEAD', 'vlm_eval/util/evaluation/gqa/eval.py'))
        argv, stdout = sys.argv, sys.stdout
        sys.argv = [script, '--tier', 'testdev_balanced', '--questions', os.path.join(tmp, 'q.json'),
                    '--predictions', os.path.join(tmp, 'p.json')]
        sys.stdout = open(os.path.join(tmp, 'out.txt'), 'w')
        try:
            runpy.run_path(script, run_name='__main__')
        finally:
            sys.stdout.close()
            sys.argv, sys.stdout = argv, stdout
        printed = open(os.path.join(tmp, 'out.txt')).read()
    return {'cases': cases, 'printed': printed}


if __name__ == '__main__':
    main()
