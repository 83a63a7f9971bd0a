"""The cffi builder for pyuv_net._uv (API mode, out of line).

Declarations live in real C headers under csrc/ so C tools read the same text:
  csrc/pyuv_net.h      the functions Python calls (given to cdef without # lines)
  csrc/py_callbacks.h  the callbacks C makes into Python (declared extern "Python+C")
  csrc/internal.h      the C files' shared structures (never seen by cffi)

libuv is found, in this order:
  PYUV_NET_LIBUV_PREFIX  a prefix with include/ and lib/ (static lib preferred; a
                         relative one is taken from this directory); a PIC static
                         libuv is what scripts/build_libuv.sh makes, for wheels
  pkg-config libuv-static  a static, position-independent libuv (Debian: libuv_a.a),
                           so the extension carries libuv and needs no libuv.so
  pkg-config libuv         the shared library
Set PYUV_NET_LIBUV_SHARED=1 to prefer the shared library, PYUV_NET_SANITIZE=1 to build
with AddressSanitizer and UndefinedBehaviorSanitizer.
"""
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
CSRC = "csrc"  # relative: setuptools wants relative source paths

MISSING_LIBUV = """\
pyuv_net: libuv development files were not found.
Install them, then build again:
  Debian/Ubuntu:  sudo apt-get install libuv1-dev pkg-config
  Fedora:         sudo dnf install libuv-devel pkgconf
  macOS:          brew install libuv pkg-config
  Windows:        vcpkg install libuv, then set PYUV_NET_LIBUV_PREFIX to its installed prefix
or point PYUV_NET_LIBUV_PREFIX at a prefix holding include/uv.h and lib/."""


def _read(name):
    with open(os.path.join(HERE, CSRC, name)) as f:
        return f.read()


def cdef_text(header):
    """The declarations of a header at the depth of its include guard, for cdef."""
    depth, out = 0, []
    for line in header.splitlines():
        stripped = line.strip()
        if stripped.startswith("#if"):
            depth += 1
        elif stripped.startswith("#endif"):
            depth -= 1
        elif not stripped.startswith("#") and depth == 1:
            out.append(line)
    return "\n".join(out)


def python_callbacks(header):
    protos = re.findall(r"^void pn_py_\w+\([^)]*\);", cdef_text(header), re.M)
    return "\n".join('extern "Python+C" ' + p for p in protos)


def _pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return shlex.split(out.stdout)


def links_into_shared_object(incs, libdirs, libs, objects):
    """Whether a static libuv can go into a shared object: it must be PIC (Debian 12's
    libuv_a.a is not). Answered by linking a one-line shared object against it."""
    if sys.platform == "win32":
        return True
    cc = shlex.split(sysconfig.get_config_var("CC") or "cc")
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write("#include <uv.h>\nunsigned int probe(void) { return uv_version(); }\n")
        cmd = cc + ["-shared", "-fPIC", src, "-o", os.path.join(tmp, "probe.so")]
        cmd += ["-I" + i for i in incs] + ["-L" + d for d in libdirs]
        if sys.platform.startswith("linux"):  # pull in every object, not just the probe's
            cmd += ["-Wl,--whole-archive"] + objects + ["-l" + n for n in libs[:1]] + ["-Wl,--no-whole-archive"]
            cmd += ["-l" + n for n in libs[1:]]
        else:
            cmd += objects + ["-l" + n for n in libs]
        try:
            return subprocess.run(cmd, capture_output=True).returncode == 0
        except OSError:
            return False


def static_libuv_system_libs(libdir):
    """The system libraries a static libuv needs, as its own build wrote them in
    libuv-static.pc (Linux: pthread dl rt); none when there is no such file."""
    try:
        with open(os.path.join(libdir, "pkgconfig", "libuv-static.pc")) as f:
            found = re.search(r"^Libs:(.*)$", f.read(), re.M)
    except OSError:
        return []
    flags = shlex.split(found.group(1)) if found else []
    return [f[2:] for f in flags if f.startswith("-l") and not f.startswith("-l:")]


def ship_libuv_license(prefix):
    """libuv's licence travels with the copy of libuv linked into the extension: the
    prefix's LICENSE goes into the package as pyuv_net/LICENSE.libuv (package data),
    before setuptools collects the package's files."""
    for name in ("share/doc/libuv/LICENSE", "LICENSE"):
        src = os.path.join(prefix, name)
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(HERE, "pyuv_net", "LICENSE.libuv"))
            return


def libuv_flags():
    """(include_dirs, library_dirs, libraries, extra_objects, extra_link_args)."""
    prefix = os.environ.get("PYUV_NET_LIBUV_PREFIX")
    if prefix:
        prefix = os.path.join(HERE, prefix)  # a relative prefix is the project's (cibuildwheel)
        inc = os.path.join(prefix, "include")
        if not os.path.exists(os.path.join(inc, "uv.h")):
            sys.exit(MISSING_LIBUV)
        for libdir in ("lib", "lib64"):
            for static in ("libuv_a.a", "libuv.a", "uv_a.lib", "libuv.lib"):
                path = os.path.join(prefix, libdir, static)
                if os.path.exists(path) and links_into_shared_object([inc], [], [], [path]):
                    system_libs = static_libuv_system_libs(os.path.join(prefix, libdir))
                    ship_libuv_license(prefix)
                    return [inc], [], system_libs, [path], []
        return [inc], [os.path.join(prefix, "lib")], ["uv"], [], []
    modules = ["libuv"] if os.environ.get("PYUV_NET_LIBUV_SHARED") else ["libuv-static", "libuv"]
    for module in modules:
        cflags = _pkg_config("--cflags", module)
        if cflags is None:
            continue
        static = module == "libuv-static"
        libs = _pkg_config("--libs", "--static", module) if static else _pkg_config("--libs", module)
        incs = [f[2:] for f in cflags if f.startswith("-I")]
        libdirs = [f[2:] for f in libs if f.startswith("-L")]
        names = [f[2:] for f in libs if f.startswith("-l")]
        other = [f for f in libs if not f.startswith(("-l", "-L"))]
        if static and not links_into_shared_object(incs, libdirs, names, []):
            print("pyuv_net: the static libuv is not position-independent; linking the shared one", file=sys.stderr)
            continue
        return incs, libdirs, names, [], other
    sys.exit(MISSING_LIBUV)


def make_builder():
    ffi = FFI()
    header = _read("pyuv_net.h")
    ffi.cdef(cdef_text(header))
    ffi.cdef(python_callbacks(_read("py_callbacks.h")))
    # Which libuv the extension runs on: behaviour differs between releases (tests, bug reports).
    ffi.cdef("unsigned int uv_version(void);")
    incs, libdirs, libs, objects, link_args = libuv_flags()
    compile_args, sanitize_link = [], []
    if sys.platform == "win32":
        libs += ["ws2_32", "iphlpapi", "userenv", "psapi", "user32", "advapi32", "shell32", "ole32", "dbghelp"]
    else:
        compile_args = ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
        if os.environ.get("PYUV_NET_SANITIZE"):
            flags = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined"]
            compile_args = ["-O1", "-g"] + flags + compile_args[1:]
            sanitize_link = flags
    ffi.set_source(
        "pyuv_net._uv",
        '#include <uv.h>\n#include "pyuv_net.h"\n#include "py_callbacks.h"\n#include "gil.h"\n',
        sources=[os.path.join(CSRC, n) for n in ("pyuv_net.c", "accel.c", "accel_lifecycle.c", "backend.c")],
        include_dirs=[CSRC] + incs,
        library_dirs=libdirs,
        libraries=libs,
        extra_objects=objects,
        extra_compile_args=compile_args,
        define_macros=[("PN_PYPY", "1")] if platform.python_implementation() == "PyPy" else [],
        extra_link_args=link_args + sanitize_link,
        # csrc/accel.c uses CPython's full C API: the module is built per Python
        # version (cibuildwheel does so anyway), not for the stable ABI.
        py_limited_api=False,
        depends=[os.path.join(CSRC, n) for n in ("pyuv_net.h", "internal.h", "accel.h", "py_callbacks.h", "gil.h")],
    )
    return ffi


ffibuilder = make_builder()

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
