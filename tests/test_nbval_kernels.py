"""The nbval run's kernel retry (tests/nbval_kernels.py): a kernel that does not answer is retried, then refused."""

import pytest

import nbval_kernels


def test_a_kernel_that_does_not_answer_is_started_again(monkeypatch, capsys):
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        kwargs["stderr"].write("zmq says no\n")
        kwargs["stderr"].flush()
        if len(calls) < 3:
            raise RuntimeError("Kernel didn't respond in 60 seconds")
        return "manager", "client"

    monkeypatch.setattr(nbval_kernels, "_start_new_kernel", flaky)
    assert nbval_kernels.start_new_kernel_with_retry(kernel_name="k", cwd="nb") == ("manager", "client")
    assert len(calls) == 3
    said = capsys.readouterr().err
    assert "start 2 of 3 failed in nb" in said and "zmq says no" in said


def test_a_kernel_that_never_answers_fails_the_notebook(monkeypatch):
    def dead(**kwargs):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(nbval_kernels, "_start_new_kernel", dead)
    with pytest.raises(RuntimeError, match="died"):
        nbval_kernels.start_new_kernel_with_retry(kernel_name="k", cwd="nb")
