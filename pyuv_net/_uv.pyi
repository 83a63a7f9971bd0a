# The cffi extension built by build_ffi.py has no annotations of its own. `lib` is the C
# layer (csrc/pyuv_net.h): its functions and constants stay untyped. `ffi` is typed only
# where an untyped object would spread: def_extern keeps the decorated callback's type, and
# string/unpack give bytes (we only read char arrays with them).
from typing import Any, Callable, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

class _FFI:
    def def_extern(self, name: str = ..., error: Any = ..., onerror: Any = ...) -> Callable[[_F], _F]: ...
    def string(self, cdata: Any, maxlen: int = ...) -> bytes: ...
    def unpack(self, cdata: Any, length: int) -> bytes: ...
    def __getattr__(self, name: str) -> Any: ...

ffi: _FFI
lib: Any
