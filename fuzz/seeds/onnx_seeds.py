#!/usr/bin/python3
"""Small ONNX seed models for the `onnx` fuzz target: the operators and attribute forms the importer reads."""
import sys, os
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(1)

def w(name, *shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.1, name)

def save(name, nodes, inits, in_shape=(1, 3, 8, 8), out_name="y", opset=13):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(in_shape))],
                          [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, None)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="fuzz-seeds")
    m.ir_version = 8
    onnx.save(m, os.path.join(out, name + ".onnx"))

# A classifier: conv+bn+relu, depthwise, hardswish, SE-style mul, pool, flatten, gemm, softmax.
save("classifier", [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], strides=[2, 2], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
    helper.make_node("BatchNormalization", ["c1", "s", "bb", "m", "v"], ["n1"], epsilon=1e-5),
    helper.make_node("Relu", ["n1"], ["r1"]),
    helper.make_node("Conv", ["r1", "w2"], ["c2"], group=4, pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
    helper.make_node("HardSwish", ["c2"], ["h"]),
    helper.make_node("GlobalAveragePool", ["h"], ["g"]),
    helper.make_node("HardSigmoid", ["g"], ["gs"], alpha=1 / 6, beta=0.5),
    helper.make_node("Mul", ["h", "gs"], ["se"]),
    helper.make_node("GlobalAveragePool", ["se"], ["p"]),
    helper.make_node("Flatten", ["p"], ["f"], axis=1),
    helper.make_node("Gemm", ["f", "w3", "b3"], ["l"], transB=1),
    helper.make_node("Softmax", ["l"], ["y"], axis=1),
], [w("w1", 4, 3, 3, 3), w("b1", 4), w("s", 4), w("bb", 4), w("m", 4),
    numpy_helper.from_array(np.ones(4, np.float32), "v"), w("w2", 4, 1, 3, 3), w("w3", 5, 4), w("b3", 5)])

# Residual add, concat, max/avg pool, clip, sigmoid, reshape, transpose.
save("blocks", [
    helper.make_node("Conv", ["x", "w1"], ["a"], pads=[0, 0, 0, 0], kernel_shape=[1, 1]),
    helper.make_node("Conv", ["x", "w2"], ["b"], pads=[0, 0, 0, 0], kernel_shape=[1, 1]),
    helper.make_node("Add", ["a", "b"], ["s"]),
    helper.make_node("Clip", ["s", "lo", "hi"], ["c"]),
    helper.make_node("Concat", ["c", "a"], ["cat"], axis=1),
    helper.make_node("MaxPool", ["cat"], ["mp"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
    helper.make_node("AveragePool", ["mp"], ["ap"], kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Sigmoid", ["ap"], ["sg"]),
    helper.make_node("Transpose", ["sg"], ["t"], perm=[0, 2, 3, 1]),
    helper.make_node("Reshape", ["t", "shape"], ["y"]),
], [w("w1", 6, 3, 1, 1), w("w2", 6, 3, 1, 1), numpy_helper.from_array(np.array(0, np.float32), "lo"),
    numpy_helper.from_array(np.array(6, np.float32), "hi"), numpy_helper.from_array(np.array([1, -1], np.int64), "shape")])

# Resize + segmentation-style head.
save("segmentation", [
    helper.make_node("Conv", ["x", "w1"], ["a"], strides=[2, 2], kernel_shape=[1, 1]),
    helper.make_node("Resize", ["a", "", "scales"], ["y"], mode="linear", coordinate_transformation_mode="half_pixel"),
], [w("w1", 4, 3, 1, 1), numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")])
