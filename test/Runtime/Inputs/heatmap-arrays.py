"""Writes the weight arrays of heatmap.test into a directory.

  heatmap-arrays.py DIR

Each array puts known values (max, zero, NaN, infinities) at cells whose
pixels the test probes; heatmap.test gives the expected layout.
"""
import os
import sys

import numpy as np

out = sys.argv[1]


def save(name, array):
    np.save(os.path.join(out, name + ".npy"), array)


# Rank 2, 4x4: row i holds 1/(i+1) in its first i+1 columns (causal
# averaging), so (0, 0) is the max 1 and (0, 3) is 0.
small = np.tril(np.ones((4, 4), np.float32))
save("small", small / np.arange(1, 5, dtype=np.float32)[:, None])

# Rank 4, B=2, H=3, 4x5: panel p = b*3 + h is filled with p/5, so panel 0
# is 0 and panel 5 the max 1; panel 2 has a NaN at (1, 1).
grid = np.repeat(np.arange(6, dtype=np.float32) / 5, 20).reshape(2, 3, 4, 5)
grid[0, 2, 1, 1] = np.nan
save("grid", grid)

# 2000x3000, all 0 but the max 1 at (1000, 1500).
big = np.zeros((2000, 3000), np.float32)
big[1000, 1500] = 1
save("big", big)

# One query row of 700 keys (a decoding step): the max 1 at key 0.
row = np.zeros((1, 700), np.float32)
row[0, 0] = 1
save("row", row)

# 100 heads of 3x3.
save("many", np.full((1, 100, 3, 3), 0.5, np.float32))

# float64 with negative values, NaN and infinities.
save("specials", np.array([[-2, 0, 2], [np.nan, np.inf, -np.inf], [1, 1, 1]]))

# All values equal.
save("zeros", np.zeros((2, 2), np.float16))
save("same", np.full((2, 2), 0.25, np.float16))

# No cells; and arrays a heat map cannot show.
save("empty", np.zeros((2, 0, 5), np.float32))
save("int32", np.zeros((2, 2), np.int32))
save("rank1", np.zeros((5,), np.float32))
