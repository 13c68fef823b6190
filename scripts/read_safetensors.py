#!/usr/bin/env python3
"""An independent reader of safetensors files, to show that other tools read
what actlab writes: only the standard library's json and numpy.frombuffer,
no actlab code.

    python3 scripts/read_safetensors.py DIR_OR_FILE [--values N]

DIR_OR_FILE is a weights.safetensors file, a checkpoint, or a directory
written by `actlab train --save` (its weights.safetensors is read). Prints the
metadata, then one line per tensor: name, dtype, shape, min, max, mean and the
first N values.
"""
import json
import os
import struct
import sys

import numpy as np

DTYPES = {"F32": "<f4", "F64": "<f8"}


def read(path):
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = memoryview(buf)[8 + n :]
    tensors = {}
    for name, entry in sorted(header.items()):
        begin, end = entry["data_offsets"]
        dtype = np.dtype(DTYPES[entry["dtype"]])
        values = np.frombuffer(data[begin:end], dtype=dtype)
        tensors[name] = (entry["dtype"], values.reshape(entry["shape"]))
    return metadata, tensors


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    path = argv[0]
    count = int(argv[argv.index("--values") + 1]) if "--values" in argv else 4
    if os.path.isdir(path):
        path = os.path.join(path, "weights.safetensors")
    metadata, tensors = read(path)
    print(f"{path}")
    for key, value in sorted(metadata.items()):
        shown = value if len(value) <= 80 else value[:77] + "..."
        print(f"  metadata {key} = {shown}")
    total = 0
    for name, (dtype, t) in tensors.items():
        total += t.size
        flat = t.reshape(-1)
        stats = (
            f"min {flat.min():.6g} max {flat.max():.6g} mean {flat.mean():.6g}"
            if t.size
            else "empty"
        )
        first = ", ".join(f"{v:.6g}" for v in flat[:count])
        print(f"  {name:<28} {dtype} {str(list(t.shape)):<16} {stats}  [{first}{', ...' if t.size > count else ''}]")
    print(f"  {len(tensors)} tensors, {total} values")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
