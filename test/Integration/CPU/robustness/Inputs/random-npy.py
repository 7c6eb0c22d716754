#!/usr/bin/env python3
"""Writes float32 .npy files of seeded random normals.

  random-npy.py DIR NAME=D0xD1x... ...

writes DIR/NAME.npy with that shape for each argument.
"""

import os
import sys

import numpy as np

rng = np.random.default_rng(0)
for spec in sys.argv[2:]:
    name, shape = spec.split("=")
    dims = [int(d) for d in shape.split("x")]
    np.save(os.path.join(sys.argv[1], name + ".npy"),
            rng.standard_normal(dims).astype(np.float32))
