"""Runs the Python original's own sample.py (commit 153420f) on CPU over a run folder, for comparison with
`seismic-i2sb sample --protocol original`. Plumbing only: CPU instead of cuda:0, no process group (gathering across
GPUs is the identity for one process), and sample.py's nested f-string quotes, which only Python 3.12 and later parse,
rewritten with single quotes; its main() does the work and writes RESULT_DIR/NAME/samples/SEED/.../batch_i.pt.
Needs the stubs and packages of the original's runner tools (run their reference_train.py once first).
Usage: /usr/bin/python3 benchmarks/reference/original_sample.py SEED_TREE RESULT_DIR NAME CKPT NFE BATCH TOTAL_BATCHES [--seed S] [--partition a_b]
"""
import copy
import os
import pathlib
import pickle
import sys
import types

seed_tree, result_dir, name, ckpt, nfe, batch, total = sys.argv[1:8]
rest = sys.argv[8:]
seed = int(rest[rest.index('--seed') + 1]) if '--seed' in rest else 0
partition = rest[rest.index('--partition') + 1] if '--partition' in rest else None
stubs = '/tmp/refstubs'
if not os.path.exists(f'{stubs}/torch_ema/ema.py'):
    sys.exit('run the runner tools\' reference_train.py first (it writes the stubs)')
sys.path[:0] = [stubs, seed_tree]
import torch  # noqa: E402
sys.modules['torch.utils.tensorboard'] = types.SimpleNamespace(SummaryWriter=None)
torch.cuda.set_device = lambda *a, **k: None
torch.set_num_threads(2)

source = open(os.path.join(seed_tree, 'sample.py')).read()
source = source.replace('if opt.guidance_scale else "0.0"}', "if opt.guidance_scale else '0.0'}")
source = source.replace('{"clip" if opt.clip_denoise else ""}', "{'clip' if opt.clip_denoise else ''}")
M = types.ModuleType('sample')
M.__file__ = os.path.join(seed_tree, 'sample.py')
exec(compile(source.replace("if __name__ == '__main__':", 'if False:'), M.__file__, 'exec'), M.__dict__)
M.collect_all_subset = lambda sample, log: sample.cpu()
M.dist.barrier = lambda *a, **k: None

from easydict import EasyDict as edict  # noqa: E402
arg = dict(seed=seed, master_port=6020, n_gpu_per_node=1, master_address='localhost', node_rank=0, num_proc_node=1,
           name=name, result_dir=pathlib.Path(result_dir), partition=partition, batch_size=int(batch), total_batches=int(total),
           ckpt=ckpt, nfe=int(nfe), clip_denoise=False, use_fp16=False, guidance_scale=None)
opt = edict(distributed=False, device='cpu', clip_denoise=False, use_fp16=False)
opt.update(arg)
with open(opt.result_dir / opt.name / 'checkpoints' / 'options.pkl', 'rb') as f:
    ckpt_opt = pickle.load(f)
for k, v in copy.copy(vars(ckpt_opt)).items():   # as sample.py: given (truthy) flags win over the run's options
    if arg.get(k, 0):
        del ckpt_opt.__dict__[k]
opt.update(vars(ckpt_opt))
opt.device = 'cpu'
opt.load = opt.result_dir / opt.name / 'checkpoints' / opt.ckpt
M.set_seed(opt.seed)
opt.global_rank = 0; opt.local_rank = 0; opt.global_size = 1
os.chdir(result_dir)
M.main(opt)
print(M.get_sample_dir(opt))
