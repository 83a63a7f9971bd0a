/* The GIL around calls from Python into the extension (CPython only).
 *
 * Included into the module cffi generates, after Python.h and before its wrappers.
 * cffi releases the GIL around every C call; for our calls, which never block, that
 * costs two lock handovers per call on the hot path (pn_write runs once per echo).
 * So the wrappers keep the GIL, and only the two calls that wait let it go: running
 * the loop (while it polls: accel.c), and closing it, which waits for DNS lookups in
 * flight. Callbacks take it back with PyGILState_Ensure, which also works when the
 * thread holds it. */
#ifndef PYUV_NET_GIL_H
#define PYUV_NET_GIL_H
#ifndef PYPY_VERSION
#include "pyuv_net.h"

/* pn_loop_run, the GIL let go while the loop waits for events (accel.c). */
int pn_accel_run(pn_loop_t *loop, int mode);

static int pn_loop_close_released(pn_loop_t *loop) {
    PyThreadState *state = PyEval_SaveThread();
    int r = pn_loop_close(loop);
    PyEval_RestoreThread(state);
    return r;
}

#define pn_loop_run(loop, mode) pn_accel_run(loop, mode)
#define pn_loop_close(loop) pn_loop_close_released(loop)
#undef Py_BEGIN_ALLOW_THREADS
#undef Py_END_ALLOW_THREADS
#define Py_BEGIN_ALLOW_THREADS {
#define Py_END_ALLOW_THREADS }
#endif
#endif
