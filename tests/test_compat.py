"""Node-as-oracle comparison suite.

Every ``tests/compat/<name>.js`` that has a ``<name>.py`` twin is one
scenario: the JS file runs under ``node`` with Node's own ``net`` module, the
Python file runs the same scenario with ``pyuv_net``. Both print one event per
line; the two outputs must be identical.

Skipped (not failed) only when ``node`` is missing or older than v20.
Set COMPAT_TRACE=1 to have both sides also echo events to stderr as they
happen.
"""
import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import child_env, foreign_env

HERE = Path(__file__).resolve().parent
COMPAT = HERE / 'compat'
RUN_TIMEOUT = 20

SCENARIOS = sorted(
    p.stem for p in COMPAT.glob('*.js')
    if not p.name.startswith('_') and (COMPAT / (p.stem + '.py')).is_file()
)

try:
    import pytest_timeout  # noqa: F401
except ImportError:
    pass
else:
    pytestmark = pytest.mark.timeout(2 * RUN_TIMEOUT + 30)


def _find_node():
    node = shutil.which('node')
    if node is None:
        return None, 'node is not installed (not on PATH)'
    try:
        out = subprocess.run([node, '--version'], capture_output=True, text=True,
                             env=_env(for_node=True), timeout=RUN_TIMEOUT).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return None, 'node --version failed: %s' % exc
    m = re.match(r'v(\d+)\.', out)
    if not m:
        return None, 'cannot parse node --version output %r' % out
    if int(m.group(1)) < 20:
        return None, 'node %s is older than v20' % out
    return node, None


@pytest.fixture(scope='session')
def node():
    path, why = _find_node()
    if path is None:
        pytest.skip(why)
    return path


def _env(for_node=False):
    if for_node:
        return foreign_env()
    # The Python scenario imports the same pyuv_net as this test process.
    return child_env(PYTHONIOENCODING='utf-8', PYTHONDONTWRITEBYTECODE='1')


def _run(argv, for_node=False):
    try:
        proc = subprocess.run(argv, cwd=str(COMPAT), env=_env(for_node), capture_output=True,
                              timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b'').decode('utf-8', 'replace')
        err = (exc.stderr or b'').decode('utf-8', 'replace')
        return None, out, err
    return (proc.returncode,
            proc.stdout.decode('utf-8', 'replace'),
            proc.stderr.decode('utf-8', 'replace'))


def _tail(text, n=40):
    lines = text.splitlines()
    return '\n'.join(lines[-n:])


@pytest.mark.parametrize('name', SCENARIOS)
def test_compat(name, node):
    rc_js, out_js, err_js = _run([node, name + '.js'], for_node=True)
    assert rc_js == 0, (
        'node %s.js failed (exit %s), the scenario itself is broken:\n%s\n%s'
        % (name, 'timeout' if rc_js is None else rc_js, out_js, _tail(err_js)))

    rc_py, out_py, err_py = _run([sys.executable, name + '.py'])
    js_lines = out_js.splitlines()
    py_lines = out_py.splitlines()
    if js_lines != py_lines:
        diff = '\n'.join(difflib.unified_diff(
            js_lines, py_lines, fromfile='node %s.js' % name,
            tofile='python %s.py' % name, lineterm=''))
        pytest.fail('%s: output differs from node (python exit %s)\n%s\n'
                    '--- python stderr (tail) ---\n%s'
                    % (name, 'timeout' if rc_py is None else rc_py, diff,
                       _tail(err_py)), pytrace=False)
    assert rc_py == 0, (
        'python %s.py printed the same events but exited with %s:\n%s'
        % (name, 'timeout' if rc_py is None else rc_py, _tail(err_py)))
