"""Seed inputs for the file-format fuzz targets (scripts/fuzz npy|csv):
valid files of every kind the readers accept, and near misses."""
import io
import os
import sys

import numpy as np

kind, directory = sys.argv[1], sys.argv[2]
os.makedirs(directory, exist_ok=True)


def put(name, data):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


if kind == "npy":
    arrays = {
        "f64": np.arange(6, dtype=np.float64).reshape(2, 3),
        "f32": np.linspace(-1, 1, 5, dtype=np.float32),
        "i64": np.arange(4, dtype=np.int64),
        "i32": np.arange(8, dtype=np.int32).reshape(2, 2, 2),
        "scalar": np.array(3.5),
        "empty": np.zeros((0, 3)),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "big-endian": np.arange(3, dtype=">f8"),
        "bool": np.array([True, False]),
        "f16": np.arange(3, dtype=np.float16),
        "special": np.array([np.nan, np.inf, -np.inf, -0.0]),
        "rank4": np.ones((1, 2, 1, 2)),
    }
    for name, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array)
        put(f"{name}.npy", buffer.getvalue())
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.arange(3.0), version=(2, 0))
    put("version2.npy", buffer.getvalue())
    put("truncated.npy", buffer.getvalue()[:20])
elif kind == "csv":
    seeds = {
        "matrix.csv": "1,2,3\n4,5,6\n",
        "vector.csv": "0.5,0.25,0.25\n",
        "crlf.csv": "1,2\r\n3,4\r\n",
        "spaces.csv": " 1 , 2 \n 3 , 4 \n",
        "special.csv": "nan,inf,-inf,1e-300\n",
        "ragged.csv": "1,2\n3\n",
        "header.csv": "a,b\n1,2\n",
        "empty.csv": "",
        "trailing.csv": "1,2,\n",
    }
    for name, text in seeds.items():
        put(name, text.encode())
else:
    sys.exit(f"unknown kind {kind}")
