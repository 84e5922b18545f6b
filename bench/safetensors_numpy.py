"""Reads and writes safetensors files with numpy and the standard library only.

Debian 12's python3-torch has no matching python3-safetensors (the only packaged one needs Python 3.13), and the format
is small enough to read directly: an 8-byte little-endian header length, a JSON header mapping each tensor name to its
dtype, shape and byte range in the data section, then the raw little-endian bytes.
"""
import json
import struct

import numpy as np
import torch

_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_,
}
_TAGS = {np.dtype(v): k for k, v in _DTYPES.items()}


def load(path):
    """All tensors of the file as a name -> CPU torch tensor dict (copies, so the file can be deleted)."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError(f"{path}: {len(blob)} bytes, shorter than the 8-byte safetensors header length")
    (header_length,) = struct.unpack("<Q", blob[:8])
    if header_length > len(blob) - 8:
        raise ValueError(f"{path}: header claims {header_length} bytes, the file has {len(blob) - 8}")
    header = json.loads(blob[8:8 + header_length])
    data = memoryview(blob)[8 + header_length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {entry['dtype']}")
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=_DTYPES[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def save(path, tensors):
    """Writes a name -> tensor dict (any device, contiguous or not) in name order."""
    arrays = {name: np.ascontiguousarray(t.detach().cpu().numpy()) for name, t in sorted(tensors.items())}
    header, offset = {}, 0
    for name, array in arrays.items():
        header[name] = {"dtype": _TAGS[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    header_bytes = json.dumps(header).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % 8)  # the format pads the header to a multiple of 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for array in arrays.values():
            f.write(array.tobytes())
