#!/usr/bin/env python3
"""Writes the metrics/ and preprocess/ parts of this alternate fixture root from the vendored root.

The cases are reference outputs taken unchanged from ../fixtures (the reference implementations'
own numbers); only their selection, file names and layout differ, so that a test which looks a
case up by file or case name fails here while one that discovers cases by content passes:

* captioning: two files under metrics/captions/ splitting a subset of the cases;
* zero-shot classification, retrieval: subsets under other file names;
* segmentation: a subset whose PNG pairs are renamed and live beside their JSON, in metrics/seg/;
* MMBench: the JSON without its 'files' key, the two TSVs renamed into metrics/tables/, so the
  pair is found by its columns and row indices;
* preprocessing: one case, renamed, listed by preprocess/index.json.

Usage, from the repository root (output is byte-identical on rerun):

    python3 fixtures-alternate/derive_reference_parts.py
"""
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(os.path.dirname(HERE), 'fixtures')


def load(*path):
    with open(os.path.join(SOURCE, *path), encoding='utf-8') as f:
        return json.load(f)


def dump(obj, *path):
    out = os.path.join(HERE, *path)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w', encoding='utf-8') as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write('\n')


def copy(src, *dst):
    out = os.path.join(HERE, *dst)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    shutil.copyfile(os.path.join(SOURCE, *src), out)


def subset(doc, names):
    """The file with only the named cases, in the given order."""
    by_name = {c['name']: c for c in doc['cases']}
    out = {k: v for k, v in doc.items() if k != 'cases'}
    out['cases'] = [by_name[n] for n in names]
    return out


def main():
    for area in ('metrics', 'preprocess'):
        shutil.rmtree(os.path.join(HERE, area), ignore_errors=True)

    captioning = load('metrics', 'captioning.json')
    dump(subset(captioning, ['empty_prediction', 'single_image_corpus', 'pretokenized_no_ptb',
                             'punctuation_and_casing']), 'metrics', 'captions', 'split_a.json')
    dump(subset(captioning, ['bleu_closest_reflen_tie', 'unicode_and_special_tokens',
                             'uneven_reference_counts_and_exact_matches']),
         'metrics', 'captions', 'split_b.json')

    dump(subset(load('metrics', 'zeroshot_classification.json'),
                ['exactly_5_classes', 'fewer_than_5_classes', 'ties_in_logits', 'single_sample']),
         'metrics', 'zs_cls.json')
    dump(subset(load('metrics', 'retrieval.json'),
                ['perfect_diagonal', 'uneven_caption_counts', 'constructed_boundary_ties',
                 'k_exceeds_gallery_size']),
         'metrics', 'recall_at_k.json')

    segmentation = subset(load('metrics', 'segmentation.json'),
                          ['reduce_zero_label_on', 'out_of_range_values', 'ade20k_like_png'])
    for case in segmentation['cases']:
        for key, role in (('prediction_files', 'pred'), ('label_files', 'gt')):
            if key in case:
                renamed = []
                for i, name in enumerate(case[key]):
                    copy(('metrics', name), 'metrics', 'seg', 'maps', '%s_%02d.png' % (role, i))
                    renamed.append('maps/%s_%02d.png' % (role, i))
                case[key] = renamed
    dump(segmentation, 'metrics', 'seg', 'miou.json')

    mmbench = load('metrics', 'mmbench.json')
    files = mmbench.pop('files')
    dump(mmbench, 'metrics', 'mcq', 'circular.json')
    copy(('metrics', files['dataset_tsv']), 'metrics', 'tables', 'dev_questions.tsv')
    copy(('metrics', files['prediction_tsv']), 'metrics', 'tables', 'model_answers.tsv')

    index = load('preprocess', 'cases.json')
    case = dict(next(c for c in index['cases'] if c['case'] == 'case05'))
    for key, name in (('input', 'tiny_crop.png'), ('label_input', 'tiny_crop_labels.png'),
                      ('expected', 'tiny_crop_reference.safetensors')):
        copy(('preprocess', case[key]), 'preprocess', name)
        case[key] = name
    case['case'] = 'tiny_crop'
    dump({k: v for k, v in index.items() if k != 'cases'} | {'cases': [case]}, 'preprocess', 'index.json')


if __name__ == '__main__':
    main()
