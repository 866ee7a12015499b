"""Golden values for NumPyRandomState and the original's GaussMixtureBlur drawn from NumPy's global stream.
Writes OUT/*.npy (little-endian, C order):
    raw_seed{S}.npy          first 1300 MT19937 words after np.random.seed(S) (uint32 as float64, exact; crosses one state refill)
    mixed_seed{S}.npy        float64: the original's order of draws, three times: randint(8, 25), rand(), normal(0, 1, (1, 1, 3, 3)),
                             then randint(9, 10) (draws nothing) and one rand(); 9 normals per call, so the polar method's cached value
                             carries over between calls
    blur_input.npy           float32 (2, 1, 16, 16) in [-1, 1]
    blur_custom_seed{S}.npy  float32 (3, 2, 1, 16, 16): three calls of the original's blur-openfwi_custom after np.random.seed(S)
    blur_benchmark.npy       float32 (2, 1, 16, 16): one call of blur-openfwi_benchmark
The blur runs the original's own corruption/blur.py (build_blur: [-1, 1] -> [0, 1], GaussMixtureBlur, back). Run once:
    /usr/bin/python3 benchmarks/reference/make_numpy_stream.py SEED_TREE tests/TestData/numpy
"""
import os
import sys
import types

import numpy as np

seed_tree, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for seed in [0, 7, 4294967295]:
    rs = np.random.RandomState(seed)
    np.save(os.path.join(out, f'raw_seed{seed}.npy'), rs._bit_generator.random_raw(1300).astype(np.float64))
    np.random.seed(seed)
    values = []
    for _ in range(3):
        values.append(np.random.randint(8, 24 + 1))
        values.append(np.random.rand())
        values.extend(np.random.normal(0., 1., (1, 1, 3, 3)).ravel())
    values.append(np.random.randint(9, 9 + 1))
    values.append(np.random.rand())
    np.save(os.path.join(out, f'mixed_seed{seed}.npy'), np.array(values, dtype=np.float64))

sys.path.insert(0, seed_tree)
sys.modules['ipdb'] = types.SimpleNamespace(set_trace=None)
import torch  # noqa: E402
from corruption.blur import build_blur  # noqa: E402

log = types.SimpleNamespace(info=lambda *a, **k: None)
opt = types.SimpleNamespace(image_size=16, device='cpu')
x = torch.from_numpy(np.random.RandomState(1).uniform(-1, 1, (2, 1, 16, 16)).astype(np.float32))
np.save(os.path.join(out, 'blur_input.npy'), x.numpy())
for seed in [0, 7]:
    np.random.seed(seed)
    custom = build_blur(opt, log, 'openfwi_custom')
    np.save(os.path.join(out, f'blur_custom_seed{seed}.npy'), np.stack([custom(x).numpy() for _ in range(3)]))
np.random.seed(0)
np.save(os.path.join(out, 'blur_benchmark.npy'), build_blur(opt, log, 'openfwi_benchmark')(x).numpy())
print(sorted(os.listdir(out)))
