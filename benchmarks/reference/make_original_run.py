"""Writes a small run folder in the layout of the Python original (commit 153420f), for the CLI and library tests:
    OUT/ref/checkpoints/options.pkl   the pickled argparse.Namespace, made by the original's own train.py option parser
                                      (create_training_options) and completed as its __main__ block does before Runner
                                      pickles it (global_rank, local_rank, global_size)
    OUT/ref/checkpoints/latest.pt     a tiny training checkpoint in the original's layout (net, ema, optimizer, sched),
                                      from make_reference_checkpoint.py (a shrunk U-Net: mc 8, mult (1, 2), one res block)
The options name the run's real training flags (unet_ch32 at 64 x 64 on FlatVel_A); the weights are the tiny network's, so a
test loads them into that network. Run once with Debian's python3-torch and a checkout of the original:
    /usr/bin/python3 benchmarks/reference/make_original_run.py SEED_TREE tests/TestData/original-run
"""
import os
import pickle
import shutil
import sys
import tempfile

seed_tree, out = sys.argv[1], os.path.abspath(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [here, seed_tree]
import make_reference_checkpoint  # noqa: E402

work = tempfile.mkdtemp()
os.chdir(work)
# train.py imports its runner, which needs packages that are not needed for the option parser: stub them.
import types  # noqa: E402
for name in ['logger', 'distributed_util', 'corruption', 'dataset', 'i2sb']:
    sys.modules[name] = types.ModuleType(name)
sys.modules['logger'].Logger = None
sys.modules['distributed_util'].init_processes = None
sys.modules['corruption'].build_corruption = None
sys.modules['dataset'].openfwi = None
sys.modules['i2sb'].Runner = None
import train  # noqa: E402

sys.argv = ['train.py', '--name', 'ref', '--result-dir', 'results', '--dataset-name', 'FlatVel_A', '--dataset-dir', 'data/per_sample',
            '--corrupt', 'blur-openfwi_custom', '--image-size', '64', '--batch-size', '4', '--microbatch', '2', '--num-itr', '30',
            '--seed', '7', '--gpu', '0', '--clip-grad-norm', '1.0', '--json-data-config', 'dataset/config/openfwi_dataset_config.json']
opt = train.create_training_options()
opt.global_rank, opt.local_rank, opt.global_size = 0, 0, 1   # as train.py's __main__ sets them before Runner pickles opt
checkpoints = os.path.join(out, 'ref', 'checkpoints')
os.makedirs(checkpoints, exist_ok=True)
with open(os.path.join(checkpoints, 'options.pkl'), 'wb') as f:
    pickle.dump(opt, f)   # as Runner.__init__ does
tiny = os.path.join(work, 'tiny')
make_reference_checkpoint.main(tiny)
shutil.copy(os.path.join(tiny, 'latest.pt'), os.path.join(checkpoints, 'latest.pt'))
shutil.rmtree(work)
print(f'wrote {checkpoints}: {sorted(os.listdir(checkpoints))}; options: {sorted(vars(opt))}')
