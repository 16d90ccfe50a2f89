# -*- coding: utf-8 -*-
"""Runs the VQA evaluation API's VQAEval (GT-Vision-Lab/VQA, Python 2) on the cases read from stdin.

Called by vqa_reference.py under Python 2.7, the interpreter the API was written for. Input (stdin,
JSON): {"source": <text of PythonEvaluationTools/vqaEvaluation/vqaEval.py>, "cases": [...]}; each
case has "id", "prediction", "answers" (ten strings), "answer_type", "question_type". The source is
exec'd unchanged; VQAEval.evaluate() runs over stand-ins of the API's VQA objects that hold exactly
what evaluate() reads (qa[quesId] with 'answers' as the annotation file's dicts, with answer_id
1..10 and answer_confidence 'yes', 'question_type', 'answer_type'; getQuesIds()). setEvalQA is
wrapped to also keep the unrounded per-question accuracy. Output (stdout, JSON): per case id its
accuracy, the API's own rounded 'accuracy' dict, and
processDigitArticle(processPunctuation(t)) for each string t of the input's "normalize" list.
"""
import json
import sys


def main():
    data = json.loads(sys.stdin.read())
    namespace = {'__name__': 'vqaEval'}
    exec(data['source'].encode('utf-8'), namespace)
    VQAEval = namespace['VQAEval']

    class Recording(VQAEval):
        def __init__(self, *args, **kwargs):
            VQAEval.__init__(self, *args, **kwargs)
            self.raw = {}

        def setEvalQA(self, quesId, acc):
            self.raw[quesId] = acc
            VQAEval.setEvalQA(self, quesId, acc)

        def updateProgress(self, progress):
            pass

    class Stand(object):
        def __init__(self, qa):
            self.qa = qa

        def getQuesIds(self):
            return list(self.qa.keys())

    gts = {}
    res = {}
    order = []
    for case in data['cases']:
        qid = case['id']
        order.append(qid)
        gts[qid] = {
            'question_id': qid,
            'question_type': case['question_type'],
            'answer_type': case['answer_type'],
            'answers': [{'answer': a, 'answer_confidence': u'yes', 'answer_id': i + 1}
                        for i, a in enumerate(case['answers'])],
        }
        res[qid] = {'question_id': qid, 'answer': case['prediction']}
    evaluator = Recording(Stand(gts), Stand(res), n=2)
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # evaluate() prints progress
    try:
        evaluator.evaluate(order)
    finally:
        sys.stdout = real_stdout
    normalizer = VQAEval(Stand({}), Stand({}))
    normalized = [normalizer.processDigitArticle(normalizer.processPunctuation(t))
                  for t in data.get('normalize', [])]
    out = {'per_case': dict((qid, evaluator.raw[qid]) for qid in order),
           'accuracy': evaluator.accuracy, 'normalized': normalized}
    sys.stdout.write(json.dumps(out))


if __name__ == '__main__':
    main()
