"""mypy --strict on code that uses pyuv_net: each event's listener type is known, so right
listeners pass and wrong ones (or misspelt events) are reported, on the lines marked `# E`."""
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="mypy is not installed (scripts/bootstrap.sh installs it on CPython >= 3.10)")

import pyuv_net  # noqa: E402

RIGHT = '''
from typing import Callable, Dict, List, Optional, Union, Any

import pyuv_net as net


def on_connection(sock: net.Socket) -> None:
    sock.pipe(sock)


server: net.Server = net.create_server(on_connection)
server.on("listening", lambda: None).on("close", lambda: None)
server.once("error", lambda err: print(err.args))
server.prepend_listener("drop", lambda info: print(info["remote_address"]))


@server.on("connection")
def greet(sock: net.Socket) -> None:
    sock.write("hi")


sock = net.connect(80, "127.0.0.1")
chunks: List[bytes] = []
chained: net.Socket = sock.on("data", chunks.append).once("end", lambda: None)
sock.on("close", lambda had_error: print(not had_error))
sock.prependOnceListener("error", lambda err: None)
sock.addListener("drain", sock.resume)


def on_lookup(err: Optional[BaseException], address: Optional[str], family: Optional[int], host: str) -> None:
    pass


sock.on("lookup", on_lookup)
sock.on("connectionAttemptFailed", lambda address, port, family, err: print(address, port + family, err))
sock.on("pipe", lambda source: source.unpipe(sock))


@sock.on("data")
def on_text(text: str) -> None:  # after set_encoding()
    text.upper()


@sock.once("data")
def on_either(chunk: Union[bytes, str]) -> None:
    pass


decorated: Callable[[str], None] = on_text  # the decorator keeps the function's type
net.EventEmitter.on(sock, "my-own-event", lambda *args: None)  # events of one's own
'''

WRONG = '''
import pyuv_net as net


def takes_int(n: int) -> None:
    pass


sock = net.connect(80, "127.0.0.1")
server = net.create_server()
sock.on("data", takes_int)  # E
sock.once("close", lambda: None)  # E: 'close' passes had_error
sock.on("conect", lambda: None)  # E: misspelt
sock.prepend_listener("end", lambda chunk: None)  # E: 'end' passes nothing
sock.on("end", lambda: None).listen()  # E: on() returns the Socket
server.on("connection", takes_int)  # E
server.on("data", print)  # E: not a Server event
server.addListener("listening", takes_int)  # E


@sock.on("data")  # E
def on_number(n: int) -> None:
    pass
'''


def _package_root():
    """Where mypy finds pyuv_net: the source tree (an editable install's import hook is
    invisible to mypy, the current directory is not), or site-packages (py.typed)."""
    root = Path(pyuv_net.__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").exists() else None


def _mypy(tmp_path, sources):
    paths = []
    for name, text in sources.items():
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        paths.append(path)
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy-cache"),
         "--no-error-summary", "--hide-error-context", *map(str, paths)],
        cwd=str(_package_root() or tmp_path), capture_output=True, text=True, timeout=120)
    assert not proc.stderr, proc.stderr
    errors = {}
    for line in proc.stdout.splitlines():
        match = re.match(r"(.*?):(\d+): error: ", line)
        if match:
            errors.setdefault(Path(match.group(1)).name, set()).add(int(match.group(2)))
    return errors, proc.stdout


@pytest.mark.timeout(180)
def test_mypy_accepts_right_listeners_and_reports_wrong_ones(tmp_path):
    errors, output = _mypy(tmp_path, {"right.py": RIGHT, "wrong.py": WRONG})
    marked = {n for n, line in enumerate(textwrap.dedent(WRONG).splitlines(), 1) if "# E" in line}
    assert len(marked) == 9
    assert errors == {"wrong.py": marked}, output
