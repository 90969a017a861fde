"""The environment the peers (numpy, PyTorch) of compare.py and train_compare.py run in: at their best.

Some machines set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE to pin an older OpenBLAS kernel (Haswell, a smaller L2); the
peers run without them, each at `threads` threads, with idle OpenMP workers sleeping rather than spinning (a spinning
worker on a shared 2-vCPU machine costs 10x). ncd's side, the tests and CI keep the environment as it is.
"""
import os

DROPPED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def peer_env(threads):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), OMP_WAIT_POLICY="PASSIVE")
    return env


def dropped_here():
    """What this environment sets of DROPPED, for the report ("not set" when nothing)."""
    return ", ".join(k + "=" + os.environ[k] for k in DROPPED if k in os.environ) or "not set"
