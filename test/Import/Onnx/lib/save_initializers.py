"""Saves every initializer of an ONNX model as DIR/<name>.npy, the inputs
of the model imported with --weights-as-inputs.

Usage: save_initializers.py MODEL.onnx DIR"""

import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model = onnx.load(sys.argv[1])
for init in model.graph.initializer:
    np.save(os.path.join(sys.argv[2], init.name + ".npy"),
            numpy_helper.to_array(init))
    print(init.name)
