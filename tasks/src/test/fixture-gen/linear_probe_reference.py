#!/usr/bin/env python3
"""Reference outputs of InternViT-6B's linear-probe protocol, for the Java linear probe's parity tests.

Runs the reference's own code (InternVL classification/, timm 0.9.12, torchvision 0.14.1 on PIL
9.4) on small random inputs and writes, under OUT (tasks/src/test/resources/linearprobe/):

  head_forward.json   InternViT6B.forward with given block outputs: the cls_patch_concat feature,
                      BatchNorm1d + Linear logits in train mode (and the running statistics after)
                      and in eval mode; the same for the attention-pooling head
  train_steps.json    a few optimizer steps of that head: SoftTargetCrossEntropy, clip_grad_norm_
                      at 5, the reference's build_optimizer (SGD, Nesterov 0.9, weight decay only on
                      weight matrices), with and without weight decay
  mixup.json          timm's Mixup(0.8, 1.0, switch 0.5, mode 'batch', smoothing 0.1) on normalized
                      8-bit images: the values it drew (CutMix or not, lambda, the box centre and
                      the clipped box) and the mixed batch and targets
  random_resized_crop.json
                      RandomResizedCrop(size, BICUBIC) + RandomHorizontalFlip on PIL images: the
                      drawn (i, j, h, w) and flip, and the 8-bit output
  lr_schedule.json    the learning rate of every optimizer step under timm's CosineLRScheduler as
                      lr_scheduler.build_scheduler makes it and main.py steps it (step_update after
                      each optimizer.step, the constructor's warm-up start before the first)

Usage (reference sources as git archives of the fetched repositories):
  git -C InternVL archive 2410d1dbf208f0e799459aff9376e5747dbf41a2 classification | tar -x -C REF/internvl
  git -C pytorch-image-models archive v0.9.12 timm | tar -x -C REF/timm
  /usr/bin/python3 linear_probe_reference.py REF/internvl/classification REF/timm ../resources/linearprobe
"""

import importlib.util
import json
import math
import os
import sys
import types

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from torchvision import transforms
import torchvision.transforms.functional as TF


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def package(name):
    module = types.ModuleType(name)
    module.__path__ = []
    sys.modules[name] = module
    return module


def stand_ins():
    """Only what the reference's imports need; no layer math."""
    # einops.rearrange is used only on the flash-attention path, which does not run here
    einops = types.ModuleType("einops")

    def rearrange(*args, **kwargs):
        raise AssertionError("the flash-attention path must not run")

    einops.rearrange = rearrange
    sys.modules["einops"] = einops
    # timm.models.layers: DropPath (drop_path_rate 0: never built) and to_2tuple
    for p in ["timm", "timm.models", "timm.data", "timm.scheduler", "timm.loss"]:
        package(p)
    layers = types.ModuleType("timm.models.layers")

    class DropPath(nn.Module):
        def __init__(self, *args, **kwargs):
            raise AssertionError("drop path must be 0")

    def to_2tuple(x):
        return tuple(x) if isinstance(x, (tuple, list)) else (x, x)

    layers.DropPath = DropPath
    layers.to_2tuple = to_2tuple
    sys.modules["timm.models.layers"] = layers


def floats(t):
    """float32 values, each written as the shortest decimal that reads back as the same float32."""
    values = t.detach().to(torch.float32).reshape(-1).numpy()
    return [float(np.format_float_positional(v, unique=True, trim="-")) for v in values]


def state_of(module, names):
    sd = module.state_dict()
    return {n: floats(sd[n]) for n in names}


def randomize(model, generator):
    """Non-trivial head weights: the reference's init leaves biases 0 and norms 1."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.startswith("blocks.") or name in ("cls_token", "pos_embed") or name.startswith(
                    "patch_embed"):
                continue
            if name.endswith("norm.weight") or ".norm1_" in name and name.endswith("weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=generator))
            elif p.dim() == 1:
                p.copy_(0.1 * torch.randn(p.shape, generator=generator))
        model.norm.running_mean.copy_(0.3 * torch.randn(model.norm.running_mean.shape, generator=generator))
        model.norm.running_var.copy_(0.5 + torch.rand(model.norm.running_var.shape, generator=generator))


def build(vit, target, dim, heads, classes):
    # SyncBatchNorm on one process is BatchNorm; torch 1.13's SyncBatchNorm refuses CPU tensors
    nn.SyncBatchNorm = nn.BatchNorm1d
    model = vit.InternViT6B(
        patch_size=2, img_size=4, pretrain_size=4, embed_dim=dim, num_heads=heads, mlp_ratio=2,
        depth=1, use_flash_attn=False, with_cp=False, cls_target=target, num_classes=classes,
        pretrained=None)
    assert not vit.has_flash_attn
    return model


HEAD_NAMES = ["norm.weight", "norm.bias", "norm.running_mean", "norm.running_var", "head.weight",
              "head.bias"]
POOL_NAMES = ["attn_pooling." + n for n in [
    "norm1_q.weight", "norm1_q.bias", "norm1_k.weight", "norm1_k.bias", "norm1_v.weight",
    "norm1_v.bias", "cross_attn.q.weight", "cross_attn.k.weight", "cross_attn.v.weight",
    "cross_attn.q_bias", "cross_attn.k_bias", "cross_attn.v_bias", "cross_attn.proj.weight",
    "cross_attn.proj.bias"]]


def head_forward(vit):
    cases = []
    for name, target, dim, heads, classes, batch, grid, seed in [
            ("cls_patch_concat_c8_k5", "cls_patch_concat", 8, 2, 5, 6, 3, 1),
            ("cls_patch_concat_c12_k7", "cls_patch_concat", 12, 3, 7, 4, 2, 2),
            ("attention_pooling_c8_h2_k5", "attention_pooling", 8, 2, 5, 6, 3, 3),
            ("attention_pooling_c12_h3_k4", "attention_pooling", 12, 3, 4, 5, 2, 4)]:
        torch.manual_seed(seed)
        g = torch.Generator().manual_seed(100 + seed)
        model = build(vit, target, dim, heads, classes)
        randomize(model, g)
        names = HEAD_NAMES + (POOL_NAMES if target == "attention_pooling" else [])
        before = state_of(model, names)
        tokens = 2.0 * torch.randn(batch, 1 + grid * grid, dim, generator=g)
        model.forward_features = lambda x, t=tokens: t
        feature = None
        if target == "cls_patch_concat":
            feature = torch.cat((tokens[:, 0, :], tokens[:, 1:, :].mean(dim=1)), dim=-1)
        with torch.no_grad():
            model.train()
            train_logits = model(torch.zeros(1))
            after = state_of(model, ["norm.running_mean", "norm.running_var"])
            model.eval()
            eval_logits = model(torch.zeros(1))
        cases.append({
            "name": name, "cls_target": target, "channels": dim, "heads": heads,
            "classes": classes, "batch": batch, "tokens_per_image": 1 + grid * grid,
            "state": before, "tokens": floats(tokens),
            "feature": floats(feature) if feature is not None else None,
            "train_logits": floats(train_logits), "running_after_train": after,
            "eval_logits": floats(eval_logits)})
    return {"reference": "classification/models/intern_vit_6b.py InternViT6B.forward",
            "cases": cases}


def train_steps(vit, optimizer_mod, ce, mixup):
    cases = []
    # gain scales the BN weights, so that the gradient norm passes the clipping threshold
    for name, target, dim, heads, classes, batch, wd, lrs, gain, seed in [
            ("cls_patch_concat_wd0", "cls_patch_concat", 8, 2, 5, 6, 0.0, [0.0, 0.4, 0.3, 0.2], 1.0, 11),
            ("cls_patch_concat_wd005_clipped", "cls_patch_concat", 8, 2, 5, 6, 0.05,
             [0.5, 0.5, 0.25], 30.0, 12),
            ("attention_pooling_wd001", "attention_pooling", 8, 2, 4, 4, 0.01, [0.2, 0.1, 0.05], 1.0, 13)]:
        torch.manual_seed(seed)
        g = torch.Generator().manual_seed(200 + seed)
        model = build(vit, target, dim, heads, classes)
        randomize(model, g)
        with torch.no_grad():
            model.norm.weight.mul_(gain)
        names = HEAD_NAMES + (POOL_NAMES if target == "attention_pooling" else [])
        before = state_of(model, names)
        cfg = types.SimpleNamespace(TRAIN=types.SimpleNamespace(
            WEIGHT_DECAY=wd, BASE_LR=lrs[0], LR_LAYER_DECAY=False, LR_LAYER_DECAY_RATIO=0.875,
            OPTIMIZER=types.SimpleNamespace(NAME="sgd", MOMENTUM=0.9, USE_ZERO=False,
                                            FREEZE_BACKBONE=None, DCN_LR_MUL=None, EPS=1e-8,
                                            BETAS=(0.9, 0.999))))
        opt = optimizer_mod.build_optimizer(cfg, model)
        criterion = ce.SoftTargetCrossEntropy()
        steps = []
        model.train()
        for lr in lrs:
            for group in opt.param_groups:
                group["lr"] = lr
            tokens = torch.randn(batch, 5, dim, generator=g)
            labels = torch.randint(0, classes, (batch,), generator=g)
            lam = float(torch.rand(1, generator=g))
            targets = mixup.mixup_target(labels, classes, lam, 0.1)
            model.forward_features = lambda x, t=tokens: t
            outputs = model(torch.zeros(1))
            loss = criterion(outputs, targets)
            opt.zero_grad()
            loss.backward()
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            steps.append({"lr": lr, "tokens": floats(tokens), "targets": floats(targets),
                          "loss": float(loss), "grad_norm": float(norm)})
        cases.append({"name": name, "cls_target": target, "channels": dim, "heads": heads,
                      "classes": classes, "batch": batch, "tokens_per_image": 5,
                      "weight_decay": wd, "momentum": 0.9, "clip": 5.0, "state": before,
                      "steps": steps, "state_after": state_of(model, names)})
    return {"reference": "classification/main.py train_one_epoch (fp32 path), optimizer.py "
                         "build_optimizer, timm SoftTargetCrossEntropy", "cases": cases}


MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def smooth_image(rng, h, w):
    y, x = np.mgrid[0:h, 0:w]
    img = np.zeros((h, w, 3))
    for c in range(3):
        a, b, p = rng.uniform(0.05, 0.4, 3)
        img[..., c] = 127 + 90 * np.sin(a * x + b * y + p * 6) + rng.normal(0, 20, (h, w))
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def mixup_cases(mixup):
    recorded = {}
    original_bbox = mixup.cutmix_bbox_and_lam
    original_randint = np.random.randint

    def bbox(img_shape, lam, ratio_minmax=None, correct_lam=True, count=None):
        recorded["lam_drawn"] = float(lam)
        draws = []

        def randint(*args, **kwargs):
            v = original_randint(*args, **kwargs)
            draws.append(int(v))
            return v

        np.random.randint = randint
        try:
            box, corrected = original_bbox(img_shape, lam, ratio_minmax, correct_lam, count)
        finally:
            np.random.randint = original_randint
        recorded["centre"] = draws
        recorded["box"] = [int(v) for v in box]
        recorded["lam"] = float(corrected)
        return box, corrected

    mixup.cutmix_bbox_and_lam = bbox
    cases = []
    rng = np.random.default_rng(7)
    for seed in range(12):
        b, h, w, classes = (4, 8, 10, 6) if seed % 2 == 0 else (6, 10, 7, 10)
        images = np.stack([smooth_image(rng, h, w) for _ in range(b)])
        labels = torch.tensor(rng.integers(0, classes, b))
        to_tensor = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
        x = torch.stack([to_tensor(Image.fromarray(im)) for im in images])
        fn = mixup.Mixup(mixup_alpha=0.8, cutmix_alpha=1.0, cutmix_minmax=None, prob=1.0,
                         switch_prob=0.5, mode="batch", label_smoothing=0.1, num_classes=classes)
        recorded.clear()
        np.random.seed(seed)
        target_lam = {}
        original_target = mixup.mixup_target

        def target_fn(target, num_classes, lam=1., smoothing=0.0):
            target_lam["lam"] = float(lam)
            return original_target(target, num_classes, lam, smoothing)

        mixup.mixup_target = target_fn
        try:
            mixed, target = fn(x.clone(), labels)
        finally:
            mixup.mixup_target = original_target
        cutmix = "box" in recorded
        cases.append({
            "name": "seed%d" % seed, "batch": b, "height": h, "width": w, "classes": classes,
            "images": [int(v) for v in images.reshape(-1)], "labels": [int(v) for v in labels],
            "cutmix": cutmix, "lam_drawn": recorded.get("lam_drawn", target_lam["lam"]),
            "lam": target_lam["lam"], "centre": recorded.get("centre"),
            "box": recorded.get("box"), "mixed": floats(mixed), "targets": floats(target)})
    mixup.cutmix_bbox_and_lam = original_bbox
    return {"reference": "timm 0.9.12 timm/data/mixup.py Mixup (mode 'batch')", "mean": MEAN,
            "std": STD, "cases": cases}


def rrc_cases():
    recorded = {}
    original_params = transforms.RandomResizedCrop.get_params
    original_hflip = TF.hflip

    def params(img, scale, ratio):
        out = original_params(img, scale, ratio)
        recorded["crop"] = [int(v) for v in out]
        return out

    def hflip(img):
        recorded["flip"] = True
        return original_hflip(img)

    transforms.RandomResizedCrop.get_params = staticmethod(params)
    transforms.transforms.F.hflip = hflip
    cases = []
    rng = np.random.default_rng(3)
    for k, (h, w, size) in enumerate([(30, 40, 24), (40, 30, 24), (64, 48, 20), (18, 25, 32),
                                      (37, 29, 28), (50, 50, 16), (21, 60, 24), (60, 21, 24)]):
        image = smooth_image(rng, h, w)
        t = transforms.Compose([
            transforms.RandomResizedCrop(size, interpolation=transforms.InterpolationMode.BICUBIC),
            transforms.RandomHorizontalFlip()])
        draws = []
        for seed in range(3):
            recorded.clear()
            torch.manual_seed(1000 * k + seed)
            out = t(Image.fromarray(image))
            assert out.size == (size, size)
            draws.append({"seed": 1000 * k + seed, "crop": recorded["crop"],
                          "flip": recorded.get("flip", False),
                          "output": [int(v) for v in np.asarray(out).reshape(-1)]})
        cases.append({"name": "%dx%d_to_%d" % (w, h, size), "width": w, "height": h,
                      "size": size, "image": [int(v) for v in image.reshape(-1)], "draws": draws})
    transforms.RandomResizedCrop.get_params = original_params
    transforms.transforms.F.hflip = original_hflip
    return {"reference": "torchvision 0.14.1 RandomResizedCrop(size, BICUBIC) + "
                         "RandomHorizontalFlip on PIL 9.4 images", "cases": cases}


def lr_cases(scheduler_mod):
    cases = []
    for name, base_lr, batch, epochs, warmup, steps_per_epoch, record in [
            ("paper_in1k", 0.1, 1024, 10, 1, 1251, "sampled"),
            ("small_7x3", 0.1, 64, 3, 1, 7, "all"),
            ("no_warmup_5x2", 0.05, 512, 2, 0, 5, "all"),
            ("half_warmup_4x4", 0.1, 256, 4, 0.5, 4, "all")]:
        lr = base_lr * batch / 512.0
        params = [nn.Parameter(torch.zeros(1))]
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
        # lr_scheduler.build_scheduler, 'cosine'
        num_steps = int(epochs * steps_per_epoch)
        warmup_steps = int(warmup * steps_per_epoch)
        sched = scheduler_mod.CosineLRScheduler(
            opt, t_initial=num_steps, lr_min=0.0, warmup_lr_init=0.0, warmup_t=warmup_steps,
            cycle_limit=1, t_in_epochs=False)
        lrs = []
        for epoch in range(epochs):
            for idx in range(steps_per_epoch):
                lrs.append(opt.param_groups[0]["lr"])  # the rate optimizer.step() runs at
                sched.step_update(epoch * steps_per_epoch + idx)
        if record == "all":
            steps = list(range(len(lrs)))
        else:
            steps = sorted(set(list(range(6)) + list(range(1248, 1256)) + list(range(0, len(lrs), 97))
                               + [len(lrs) - 2, len(lrs) - 1]))
        cases.append({"name": name, "peak": lr, "epochs": epochs, "warmup_epochs": warmup,
                      "steps_per_epoch": steps_per_epoch, "steps": steps,
                      "lrs": [lrs[s] for s in steps]})
    return {"reference": "classification/lr_scheduler.py build_scheduler + timm 0.9.12 "
                         "CosineLRScheduler, stepped as classification/main.py does",
            "cases": cases}


def main():
    internvl, timm_root, out = sys.argv[1], sys.argv[2], sys.argv[3]
    stand_ins()
    mixup = load("timm.data.mixup", os.path.join(timm_root, "timm/data/mixup.py"))
    load("timm.scheduler.scheduler", os.path.join(timm_root, "timm/scheduler/scheduler.py"))
    cosine = load("timm.scheduler.cosine_lr", os.path.join(timm_root, "timm/scheduler/cosine_lr.py"))
    ce = load("timm.loss.cross_entropy", os.path.join(timm_root, "timm/loss/cross_entropy.py"))
    vit = load("intern_vit_6b", os.path.join(internvl, "models/intern_vit_6b.py"))
    optimizer_mod = load("optimizer", os.path.join(internvl, "optimizer.py"))
    os.makedirs(out, exist_ok=True)
    for file, data in [("head_forward.json", head_forward(vit)),
                       ("train_steps.json", train_steps(vit, optimizer_mod, ce, mixup)),
                       ("mixup.json", mixup_cases(mixup)),
                       ("random_resized_crop.json", rrc_cases()),
                       ("lr_schedule.json", lr_cases(cosine))]:
        data["generator"] = "tasks/src/test/fixture-gen/linear_probe_reference.py"
        data["torch"] = torch.__version__
        with open(os.path.join(out, file), "w") as f:
            json.dump(data, f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
