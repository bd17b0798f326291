#!/usr/bin/python3
"""Trains the Fashion-MNIST CNN fixture and exports it to ONNX.

    /usr/bin/python3 models/fashion-mnist/train.py [--epochs 6] [--seed 0]
        [--output models/fashion-mnist/fashion_mnist_cnn.onnx]

Needs Debian's python3-torch (only to retrain; nothing else in QC needs
torch) and dataset-fashion-mnist (read by python/qc/datasets.py, which also
fixes the input normalization). Trains on one CPU thread with a fixed seed,
prints the float top-1 on the 10,000 test images, and exports opset 13 with
a static batch of 1: input "image" 1x1x28x28, output "logits" 1x10. The
BatchNormalization nodes are kept in the exported graph (TrainingMode.PRESERVE
on a model in eval mode; TrainingMode.EVAL would fold them into the Convs),
so that QC's own BN folding is exercised.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "python"))
from qc.datasets import fashion_mnist  # noqa: E402


class Net(nn.Module):
    """Conv-BN-ReLU, MaxPool, a residual 3x3 Conv-BN block (Add, ReLU),
    Conv-BN-ReLU, MaxPool, Flatten, Gemm-ReLU, Gemm."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv_res = nn.Conv2d(16, 16, 3, padding=1, bias=False)
        self.bn_res = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        x = self.pool(self.relu(self.bn1(self.conv1(x))))       # 16x14x14
        x = self.relu(x + self.bn_res(self.conv_res(x)))         # residual
        x = self.pool(self.relu(self.bn2(self.conv2(x))))       # 32x7x7
        x = torch.flatten(x, 1)
        return self.fc2(self.relu(self.fc1(x)))


def evaluate(model, images, labels, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(images), batch):
            logits = model(torch.from_numpy(images[start:start + batch]))
            correct += int((logits.argmax(1).numpy()
                            == labels[start:start + batch]).sum())
    return correct / len(images)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path,
                        default=HERE / "fashion_mnist_cnn.onnx")
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(args.seed)
    train_x, train_y = fashion_mnist("train")
    test_x, test_y = fashion_mnist("test")

    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = args.epochs * (len(train_x) // args.batch)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=2e-3,
                                                    total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    start_time = time.monotonic()
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(len(train_x))
        total = 0.0
        for step in range(len(train_x) // args.batch):
            index = order[step * args.batch:(step + 1) * args.batch]
            x = train_x[index]
            # Random horizontal flips (clothes stay clothes mirrored).
            flip = rng.random(len(index)) < 0.5
            x[flip] = x[flip, :, :, ::-1]
            loss = loss_fn(model(torch.from_numpy(x)),
                           torch.from_numpy(train_y[index]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item()
        print(f"epoch {epoch + 1}/{args.epochs}: loss "
              f"{total / (step + 1):.4f}, test top-1 "
              f"{100 * evaluate(model, test_x, test_y):.2f}%, "
              f"{time.monotonic() - start_time:.0f} s", flush=True)

    model.eval()
    top1 = evaluate(model, test_x, test_y)
    print(f"float test top-1 (torch {torch.__version__}): {100 * top1:.2f}%")
    torch.onnx.export(model, torch.from_numpy(test_x[:1]), str(args.output),
                      opset_version=13, input_names=["image"],
                      output_names=["logits"],
                      training=torch.onnx.TrainingMode.PRESERVE,
                      # Nothing to fold in this graph; True only warns about
                      # PRESERVE.
                      do_constant_folding=False)
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes), "
          f"training took {time.monotonic() - start_time:.0f} s")


if __name__ == "__main__":
    main()
