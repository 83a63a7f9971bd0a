/* CPython's fast path for reads: each gathered read goes from C straight to its
 * stream's single 'data' listener, so a read costs the listener's own call and the
 * bytes object it receives, and no Python code of ours runs in between.
 *
 * What the Python dispatcher (pn_py_reads in pyuv_net/_dispatch.py) does per read is
 * done here in the same order: call the listener, drain the loop's tick queue if
 * anything is in it, and hand an exception raised by either to the loop's fail().
 * A read with no listener in C (EOF, errors, paused or decoding streams, several
 * listeners) goes through pn_py_read, the per-read Python path, in its place in the
 * order. PyPy has no such C API: there this file compiles to stubs and reads take
 * the pure cffi path. */
#include <Python.h>

#include "internal.h"
#include "py_callbacks.h"

#ifndef PYPY_VERSION

static PyObject *str_run_ticks, *str_fail;

int pn_accel_available(void) { return 1; }

int pn_loop_accelerate(pn_loop_t *loop, uintptr_t ticks, uintptr_t loop_ref) {
    if (str_run_ticks == NULL) {
        str_run_ticks = PyUnicode_InternFromString("run_ticks");
        str_fail = PyUnicode_InternFromString("fail");
        if (str_run_ticks == NULL || str_fail == NULL) {
            PyErr_Clear();
            return UV_ENOMEM;
        }
    }
    Py_INCREF((PyObject *)ticks);
    Py_INCREF((PyObject *)loop_ref);
    loop->py_ticks = (PyObject *)ticks;
    loop->py_loop_ref = (PyObject *)loop_ref;
    return 0;
}

void pn_handle_set_listener(pn_handle_t *h, uintptr_t listener) {
    PyObject *old = h->py_listener;
    Py_XINCREF((PyObject *)listener);
    h->py_listener = (PyObject *)listener;
    Py_XDECREF(old);
}

/* The exception being raised, with its traceback, taken off the thread. */
static PyObject *take_exception(void) {
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != NULL && value != NULL)
        PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
#endif
}

/* Calls loop.<name>(*arg) on the Python loop, if it still exists. */
static PyObject *call_loop(pn_loop_t *loop, PyObject *name, PyObject *arg) {
    PyObject *pyloop = PyObject_CallNoArgs((PyObject *)loop->py_loop_ref);
    if (pyloop == NULL || pyloop == Py_None) {
        Py_XDECREF(pyloop);
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_RuntimeError, "pyuv_net: the loop is gone");
        return NULL;
    }
    PyObject *r = arg != NULL ? PyObject_CallMethodOneArg(pyloop, name, arg)
                              : PyObject_CallMethodNoArgs(pyloop, name);
    Py_DECREF(pyloop);
    return r;
}

/* As the Python dispatcher's `except BaseException as exc: loop.fail(exc)`. */
static void fail(pn_loop_t *loop) {
    PyObject *exc = take_exception();
    if (exc == NULL)
        return;
    PyObject *r = call_loop(loop, str_fail, exc);
    if (r == NULL)
        PyErr_WriteUnraisable(exc);
    Py_XDECREF(r);
    Py_DECREF(exc);
}

/* After each event, as the Python dispatcher: Node's process.nextTick queue. */
static void run_ticks(pn_loop_t *loop) {
    Py_ssize_t n = PyObject_Length((PyObject *)loop->py_ticks);
    if (n == 0)
        return;
    PyObject *r = n > 0 ? call_loop(loop, str_run_ticks, NULL) : NULL;
    if (r == NULL)
        fail(loop);
    Py_XDECREF(r);
}

void pn_accel_deliver(pn_loop_t *loop) {
    PyGILState_STATE gil = PyGILState_Ensure();
    for (int i = 0; i < loop->nreads; i++) {
        const int *r = loop->reads + 3 * i;
        PyObject *listener = loop->read_handles[i]->py_listener;
        if (listener == NULL || r[2] < 0) {
            /* EOF or an error (r[1]), or bytes for the stream's own _on_data */
            pn_py_read(r[0], r[2] < 0 ? r[1] : r[2] - r[1], loop->slab + (r[2] < 0 ? 0 : r[1]));
            continue;
        }
        PyObject *chunk = PyBytes_FromStringAndSize(loop->slab + r[1], r[2] - r[1]);
        if (chunk == NULL) {
            fail(loop);
            continue;
        }
        Py_INCREF(listener); /* the listener may remove itself */
        PyObject *result = PyObject_CallOneArg(listener, chunk);
        Py_DECREF(listener);
        Py_DECREF(chunk);
        if (result == NULL) {
            fail(loop);
            continue;
        }
        Py_DECREF(result);
        run_ticks(loop);
    }
    PyGILState_Release(gil);
}

void pn_accel_handle_free(pn_handle_t *h) {
    if (h->py_listener == NULL)
        return;
    PyGILState_STATE gil = PyGILState_Ensure();
    Py_CLEAR(h->py_listener);
    PyGILState_Release(gil);
}

void pn_accel_loop_free(pn_loop_t *loop) {
    if (loop->py_ticks == NULL)
        return;
    PyGILState_STATE gil = PyGILState_Ensure();
    Py_CLEAR(loop->py_ticks);
    Py_CLEAR(loop->py_loop_ref);
    PyGILState_Release(gil);
}

#else /* PyPy: reads go through pn_py_reads */

int pn_accel_available(void) { return 0; }
int pn_loop_accelerate(pn_loop_t *loop, uintptr_t ticks, uintptr_t loop_ref) { return UV_ENOSYS; }
void pn_handle_set_listener(pn_handle_t *h, uintptr_t listener) {}
void pn_accel_deliver(pn_loop_t *loop) {}
void pn_accel_handle_free(pn_handle_t *h) {}
void pn_accel_loop_free(pn_loop_t *loop) {}

#endif
