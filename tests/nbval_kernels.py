"""A pytest plugin for the nbval run (`make test` loads it with `-p tests.nbval_kernels`).

A notebook's kernel that does not answer at start-up is retried, and what the kernel wrote to stderr is shown.
On 7 December 2026 CI failed because one of fifteen kernels, started while the other xdist worker ran a notebook,
did not answer nbval's kernel_info request within 60 seconds, so all of that notebook's cells errored without running.
Kernels started the same way answer in under a second (20 of 20 measured in pairs); nbval sends the kernel's stderr
to /dev/null, so the cause was lost. A kernel that cannot start is not a notebook result: a fresh kernel is tried
again (twice at most), and each failure is reported with the kernel's own stderr. A notebook's cells still run once.
"""

import sys
import tempfile

import nbval.kernel

ATTEMPTS = 3
_start_new_kernel = nbval.kernel.start_new_kernel


def start_new_kernel_with_retry(**kwargs):
    for attempt in range(1, ATTEMPTS + 1):
        with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as stderr:
            try:
                return _start_new_kernel(**{**kwargs, "stderr": stderr})
            except RuntimeError as error:
                stderr.seek(0)
                said = stderr.read().strip() or "(nothing)"
                print(f"\nnbval kernel start {attempt} of {ATTEMPTS} failed in {kwargs.get('cwd')}: {error}\n"
                      f"the kernel's stderr:\n{said}", file=sys.stderr)
                if attempt == ATTEMPTS:
                    raise


def pytest_configure(config):
    nbval.kernel.start_new_kernel = start_new_kernel_with_retry
