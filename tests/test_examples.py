"""The examples run and do what they say (each as its own process)."""
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import child_env

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(name, *args, timeout=30):
    return subprocess.run([sys.executable, str(EXAMPLES / name), *args], env=child_env(),
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.timeout(60)
def test_echo_demo_talks_to_itself_and_exits():
    proc = run_example("echo_demo.py")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "server: client connected" in out
    for line in ("hello", "Node's net module", "in Python", "on libuv"):
        assert "client: got  %r" % line in out
    assert "server: client disconnected" in out
    assert "client: closed (had_error=False), 37 bytes sent, 44 received" in out
    assert out.rstrip().endswith("server: closed")
