#!/usr/bin/env python3
"""MSR-VTT parity fixtures from the reference script itself (InternVL's video_retrieval/test_msrvtt.py).

The script is not copied here: it is read from a checkout of OpenGVLab/InternVL, executed as a
module with stand-ins for what needs a GPU, weights or video files (decord, mmengine, tqdm,
transformers; Tensor.cuda() is the identity), and its function validate_msrvtt is called on
made-up inputs. What the script computes inside that function is read from its own local
variables (sys.settrace), so every number below is the reference's own arithmetic:

frame_indices.json
    For each clip length n and frame count F, the frame ids the script passes to
    VideoReader.get_batch (frames_id = np.arange(0, n, interval) + interval // 2, interval =
    ceil(n / F)) and whether its assertion (F ids, the last below n) stops it on that clip
    ("refused": true, with the ids it had computed).

dual_softmax.json
    Random cases of per-frame image features (what model.encode_image returns) and text features
    (model.encode_text): the script's video features (the mean of the frame features), its
    normalized embeddings, its texts x videos score matrix, the matrices after its dual softmax
    (scores * scores.softmax(dim=0) for text-to-video, scores.T * scores.T.softmax(dim=0) for
    video-to-text), and the Recall@1/5/10 it prints, with and without dual softmax.

Usage (Debian's python3-torch, /usr/bin/python3):
    git -C <InternVL checkout or mirror> show HEAD:video_retrieval/test_msrvtt.py > /tmp/test_msrvtt.py
    /usr/bin/python3 msrvtt_reference.py /tmp/test_msrvtt.py ../resources/msrvtt
"""

import ast
import contextlib
import hashlib
import io
import json
import math
import os
import sys
import types

import numpy as np
import torch

FRAME_COUNTS = [1, 2, 3, 4, 5, 7, 8, 12, 16, 32]
CLIP_LENGTHS = list(range(1, 121)) + [150, 151, 199, 200, 209, 210, 211, 300, 301, 450, 451, 900, 1000, 1001]


# ---- stand-ins for the script's imports -----------------------------------------------------

class FakeVideo:
    """What decord.VideoReader gives the script: a length and get_batch(ids) -> frames."""

    registry = {}

    def __init__(self, data):
        self.key = data.getvalue().decode()
        self.length, self.frames = FakeVideo.registry[self.key]
        self.requested = None

    def __len__(self):
        return self.length

    def get_batch(self, ids):
        FakeVideo.last_requested = [int(i) for i in ids]
        return types.SimpleNamespace(asnumpy=lambda: np.asarray([self.frames(int(i)) for i in ids]))


def install_stubs():
    decord = types.ModuleType("decord")
    decord.VideoReader = FakeVideo
    mmengine = types.ModuleType("mmengine")
    mmengine.get = lambda path: os.path.basename(path).encode()
    tqdm = types.ModuleType("tqdm")
    tqdm.tqdm = lambda it, **kw: it
    transformers = types.ModuleType("transformers")
    for name in ("AutoModel", "AutoTokenizer", "CLIPImageProcessor"):
        setattr(transformers, name, None)
    sys.modules.update(decord=decord, mmengine=mmengine, tqdm=tqdm, transformers=transformers)
    torch.Tensor.cuda = lambda self, *a, **k: self


def load_reference(path):
    source = open(path, encoding="utf-8").read()
    module = types.ModuleType("test_msrvtt")
    module.__file__ = path
    exec(compile(source, path, "exec"), module.__dict__)
    return module, hashlib.sha256(source.encode()).hexdigest()


class Tokenizer:
    """Caption 'caption <i>' -> input_ids [[i]], so the model can return text feature i."""

    def __call__(self, caption, **kw):
        i = int(caption.split()[-1])
        return types.SimpleNamespace(input_ids=torch.tensor([[i]]))


class ImageProcessor:
    """Frames (video index, frame id / 100, frame id % 100) -> pixel_values for the model."""

    def __call__(self, images, return_tensors):
        return types.SimpleNamespace(pixel_values=torch.tensor(np.asarray(images), dtype=torch.float32))


class Model:
    def __init__(self, text_features, frame_features):
        self.text_features = text_features
        self.frame_features = frame_features

    def encode_text(self, input_ids):
        return self.text_features[input_ids[:, 0]]

    def encode_image(self, pixel_values, mode):
        # pixel_values went through .to(torch.bfloat16): integers below 256 survive exactly
        rows = [self.frame_features[int(v)][int(hi) * 100 + int(lo)]
                for v, hi, lo in pixel_values.float().tolist()]
        return torch.stack(rows)


@contextlib.contextmanager
def locals_of(function_name, into):
    """Records the locals of function_name when it returns or raises, through sys.settrace."""

    def local_trace(frame, event, arg):
        if event in ("return", "exception"):
            into.clear()
            into.update(frame.f_locals)
        return local_trace

    def global_trace(frame, event, arg):
        if event == "call" and frame.f_code.co_name == function_name:
            return local_trace
        return None

    sys.settrace(global_trace)
    try:
        yield
    finally:
        sys.settrace(None)


def run(reference, metadata, text_features, frame_features, num_frames, recall_k, use_dsl):
    """validate_msrvtt on the given inputs: (its locals, its printed metrics, the error if any)."""
    path = "/tmp/msrvtt_reference_metadata.json"
    with open(path, "w") as f:
        json.dump(metadata, f)
    seen = {}
    out = io.StringIO()
    error = None
    with locals_of("validate_msrvtt", seen), contextlib.redirect_stdout(out):
        try:
            reference.validate_msrvtt(
                Model(text_features, frame_features), Tokenizer(), ImageProcessor(),
                root="/videos", metadata=path, num_frames=num_frames, mode="InternVL-C",
                recall_k_list=recall_k, use_dsl=use_dsl)
        except AssertionError as e:
            error = e
    printed = [l for l in out.getvalue().splitlines() if l.startswith("{")]
    metrics = ast.literal_eval(printed[-1]) if printed else None
    return seen, metrics, error


# ---- frame indices --------------------------------------------------------------------------

class ZeroFeatures(dict):
    """Every frame's feature is zero (only the sampled ids matter here)."""

    def __missing__(self, key):
        return torch.zeros(2)


def frame_index_cases(reference):
    cases = []
    for frames in FRAME_COUNTS:
        for n in CLIP_LENGTHS:
            FakeVideo.registry["clip.mp4"] = (n, lambda i: [0, 0, 0])
            FakeVideo.last_requested = None
            seen, _, error = run(reference, [{"video": "clip.mp4", "caption": "caption 0"}],
                                 torch.zeros(1, 2), {0: ZeroFeatures()}, frames, [1], True)
            ids = [int(i) for i in seen["frames_id"]]
            refused = error is not None
            if not refused:
                assert ids == FakeVideo.last_requested
            cases.append({"frames": frames, "clip_frames": n, "indices": ids, "refused": refused})
    return cases


# ---- dual softmax ---------------------------------------------------------------------------

def dual_softmax_case(reference, name, seed, clips, dim, frames, noise):
    rng = np.random.default_rng(seed)
    lengths = [int(rng.integers(frames * 16, frames * 40)) for _ in range(clips)]
    frame_features = {}
    base = rng.standard_normal((clips, dim)).astype(np.float32)
    for v in range(clips):
        per_frame = base[v] + 0.5 * rng.standard_normal((lengths[v], dim)).astype(np.float32)
        frame_features[v] = {f: torch.tensor(per_frame[f]) for f in range(lengths[v])}
    text = base + noise * rng.standard_normal((clips, dim)).astype(np.float32)
    text_features = torch.tensor(text)
    metadata = []
    for v in range(clips):
        key = f"video{v}.mp4"
        # the frame "pixels" carry (video, frame id) for the model to look the feature up
        FakeVideo.registry[key] = (lengths[v], lambda i, v=v: [v, i // 100, i % 100])
        metadata.append({"video": key, "caption": f"caption {v}"})
    out = {"name": name, "seed": seed, "frames": frames, "clip_frames": lengths}
    for use_dsl in (True, False):
        seen, metrics, error = run(reference, metadata, text_features, frame_features, frames,
                                   [1, 5, 10], use_dsl)
        assert error is None, error
        key = "dual_softmax" if use_dsl else "plain"
        out[key] = {"metrics": metrics}
        if use_dsl:
            sampled = {}
            for v in range(clips):
                interval = math.ceil(lengths[v] / frames)
                sampled[v] = [int(i) for i in np.arange(0, lengths[v], interval) + interval // 2]
            out["frame_indices"] = [sampled[v] for v in range(clips)]
            out["frame_features"] = [[frame_features[v][f].tolist() for f in sampled[v]]
                                     for v in range(clips)]
            out["text_features"] = seen["text_features"].tolist()
            out["video_features"] = seen["video_features"].tolist()
            out["text_embeddings"] = seen["texts_emb"].tolist()
            out["video_embeddings"] = seen["images_emb"].tolist()
            out["scores"] = (seen["texts_emb"] @ seen["images_emb"].t()).tolist()
            out["t2v_scores"] = seen["scores"].tolist()
            out["v2t_scores"] = seen["scores_T"].tolist()
    return out


def main():
    reference_path, out_dir = sys.argv[1], sys.argv[2]
    install_stubs()
    reference, digest = load_reference(reference_path)
    provenance = {
        "reference": "OpenGVLab/InternVL video_retrieval/test_msrvtt.py",
        "reference_sha256": digest,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "generator": "tasks/src/test/fixture-gen/msrvtt_reference.py",
    }
    os.makedirs(out_dir, exist_ok=True)
    indices = dict(provenance, description="frame ids test_msrvtt.py samples (np.arange(0, n, "
                   "ceil(n / F)) + ceil(n / F) // 2) and whether its assertion refuses the clip",
                   cases=frame_index_cases(reference))
    with open(os.path.join(out_dir, "frame_indices.json"), "w") as f:
        f.write(json.dumps(indices, separators=(",", ":")).replace('},{', '},\n{') + "\n")
    cases = [
        dual_softmax_case(reference, "12 clips, 16 dims, 8 frames", 20260101, 12, 16, 8, 1.0),
        dual_softmax_case(reference, "30 clips, 8 dims, 8 frames, noisy captions", 20260102, 30, 8, 8, 2.0),
        dual_softmax_case(reference, "16 clips, 12 dims, 1 frame", 20260103, 16, 12, 1, 1.5),
    ]
    dsl = dict(provenance, description="test_msrvtt.py's video features, normalized embeddings, "
               "score matrix, dual-softmax matrices and printed Recall@K on random features",
               cases=cases)
    with open(os.path.join(out_dir, "dual_softmax.json"), "w") as f:
        json.dump(dsl, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
