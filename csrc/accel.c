/* CPython's hot path in C. Reads: each gathered read goes from C straight to its
 * stream's single 'data' listener, so a read costs the listener's own call and the
 * bytes object it receives, and no Python code of ours runs in between. Writes:
 * Stream.write's fast path is a C method (below), and a big queued tail keeps its
 * bytes object alive instead of being copied (pn_write_owned). Other events (a
 * connection, EOF, a shutdown or write done, a close, timers) call their object's
 * method from C too.
 *
 * What the Python dispatcher (pyuv_net/_dispatch.py) does per event is done here in
 * the same order: call the listener (or the stream's _on_data / _on_read_error when
 * it has none in C: EOF, errors, paused or decoding streams, several listeners),
 * drain the loop's tick queue if anything is in it, and hand an exception raised by
 * either to the loop's fail(). PyPy has no such C API: there this file compiles to
 * stubs and events take the cffi callbacks. */
#include <Python.h>
#ifndef Py_T_OBJECT_EX /* before 3.12 */
#include <structmember.h>
#define Py_T_OBJECT_EX T_OBJECT_EX
#define Py_READONLY READONLY
#endif

#include <string.h>

#include "internal.h"
#include "py_callbacks.h"
#include "accel.h"

#ifndef PYPY_VERSION

static PyObject *str_popleft, *str_fail;

int pn_accel_available(void) { return 1; }

int pn_loop_accelerate(pn_loop_t *loop, uintptr_t ticks, uintptr_t loop_ref) {
    if (str_popleft == NULL) {
        str_popleft = PyUnicode_InternFromString("popleft");
        str_fail = PyUnicode_InternFromString("fail");
        if (str_popleft == NULL || str_fail == NULL) {
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

/* After each event, as the Python dispatcher: Node's process.nextTick queue, drained
 * here as Loop.run_ticks does (`fn, args = ticks.popleft(); fn(*args)` until empty);
 * an exception stops the draining, and what is left runs after the next event. */
static void run_ticks(pn_loop_t *loop) {
    PyObject *ticks = loop->py_ticks;
    Py_ssize_t n;
    while ((n = PyObject_Length(ticks)) > 0) {
        PyObject *tick = PyObject_CallMethodNoArgs(ticks, str_popleft);
        if (tick == NULL) {
            fail(loop);
            return;
        }
        PyObject *r = NULL; /* Loop.next_tick queues (fn, args) */
        if (PyTuple_CheckExact(tick) && PyTuple_GET_SIZE(tick) == 2 && PyTuple_CheckExact(PyTuple_GET_ITEM(tick, 1)))
            r = PyObject_Call(PyTuple_GET_ITEM(tick, 0), PyTuple_GET_ITEM(tick, 1), NULL);
        else
            PyErr_SetString(PyExc_SystemError, "pyuv_net: a tick is not (fn, args)");
        Py_DECREF(tick);
        if (r == NULL) {
            fail(loop);
            return;
        }
        Py_DECREF(r);
    }
    if (n < 0)
        fail(loop);
}

/* ---- the GIL while the loop runs -------------------------------------------------
 *
 * pn_accel_run keeps the GIL for the loop's callbacks and lets it go only while libuv
 * waits for events: a prepare handle (the last step before each poll) releases it, and
 * the first event after the poll that calls Python takes it back and keeps it, so an
 * iteration takes it once however many events it has (before, every event took and
 * dropped it, ~350 instructions each: a connection's five events cost 1,900). Other
 * threads get it while the loop waits, and from running Python code at the
 * interpreter's switch interval, as before. A callback that is not one of ours takes
 * the GIL with PyGILState_Ensure, which works either way. */
static void let_gil_go(uv_prepare_t *prepare) {
    pn_loop_t *loop = (pn_loop_t *)((char *)prepare - offsetof(pn_loop_t, gil_prepare));
    if (loop->py_released == NULL)
        loop->py_released = PyEval_SaveThread();
}

static void hold_gil(pn_loop_t *loop) {
    PyThreadState *state = loop->py_released;
    if (state != NULL) {
        loop->py_released = NULL;
        PyEval_RestoreThread(state);
    }
}

/* PyGILState_Ensure() for a callback of `loop`, its GIL kept once taken. */
static PyGILState_STATE ensure_gil(pn_loop_t *loop) {
    hold_gil(loop);
    return PyGILState_Ensure();
}

int pn_accel_run(pn_loop_t *loop, int mode) {
    uv_prepare_start(&loop->gil_prepare, let_gil_go);
    int alive = pn_loop_run(loop, mode);
    uv_prepare_stop(&loop->gil_prepare);
    hold_gil(loop);
    return alive;
}

/* Drops the references at *first and *second (either may be NULL), from inside the
 * loop, where the GIL may not be held. */
static void drop_refs(void **first, void **second) {
    PyGILState_STATE gil = PyGILState_Ensure();
    void **refs[2] = {first, second};
    for (int i = 0; i < 2; i++) {
        if (refs[i] != NULL) {
            PyObject *obj = *refs[i];
            *refs[i] = NULL;
            Py_XDECREF(obj);
        }
    }
    PyGILState_Release(gil);
}

/* What follows each call into Python for an event: its exception to fail(), or else
 * the tick queue drained. Takes the call's result. */
static void after_event(pn_loop_t *loop, PyObject *result) {
    if (result == NULL) {
        fail(loop);
        return;
    }
    Py_DECREF(result);
    run_ticks(loop);
}

/* ---- events --------------------------------------------------------------------
 *
 * What each callback of the Python dispatcher does (pyuv_net/_dispatch.py):
 *     obj = _objects[slot]; obj.<method>(*args); drain the ticks; an exception to fail()
 * done here, so an event costs the method's own call and no cffi callback or Python
 * frame of ours around it. */

static PyObject *objects, *free_slots; /* _dispatch._objects and _free_slots */
static PyObject *str_on_read_error, *str_on_data, *str_on_closed;
static PyObject *event_names[PN_EV_COUNT];
static const char *const event_methods[PN_EV_COUNT] = {
    [PN_EV_CONNECTION] = "_on_connection", [PN_EV_CONNECTED] = "_on_connected",
    [PN_EV_SHUTDOWN] = "_on_shutdown",     [PN_EV_WRITTEN] = "_on_written",
    [PN_EV_POLL] = "_on_poll",             [PN_EV_TIMER] = "_on_timer",
    [PN_EV_IDLE_TIMEOUT] = "_on_idle_timeout", [PN_EV_CHECK] = "_on_check",
    [PN_EV_ASYNC] = "_on_async"};

int pn_accel_intern(PyObject **name, const char *text) {
    if (*name == NULL)
        *name = PyUnicode_InternFromString(text);
    return *name != NULL ? 0 : -1;
}

int pn_accel_install_dispatch(uintptr_t objects_list, uintptr_t free_list) {
    int bad = pn_accel_intern(&str_on_read_error, "_on_read_error") | pn_accel_intern(&str_on_data, "_on_data") |
              pn_accel_intern(&str_on_closed, "_on_closed");
    for (int i = 0; i < PN_EV_COUNT; i++)
        bad |= pn_accel_intern(&event_names[i], event_methods[i]);
    if (bad) {
        PyErr_Clear();
        return UV_ENOMEM;
    }
    Py_INCREF((PyObject *)objects_list);
    Py_INCREF((PyObject *)free_list);
    Py_XSETREF(objects, (PyObject *)objects_list);
    Py_XSETREF(free_slots, (PyObject *)free_list);
    return 0;
}

int pn_accel_set_object(int slot, PyObject *obj) {
    if (objects == NULL || slot < 0 || slot >= PyList_GET_SIZE(objects)) {
        PyErr_Format(PyExc_SystemError, "pyuv_net: no slot %d", slot);
        return -1;
    }
    Py_INCREF(obj);
    return PyList_SetItem(objects, slot, obj);
}

int pn_accel_release_slot(long slot) {
    PyObject *number = PyLong_FromLong(slot);
    int r = number != NULL && pn_accel_set_object((int)slot, Py_None) == 0 ? PyList_Append(free_slots, number) : -1;
    Py_XDECREF(number);
    return r;
}

long pn_accel_register(PyObject *obj) {
    if (objects == NULL) {
        PyErr_SetString(PyExc_SystemError, "pyuv_net: no dispatcher");
        return -1;
    }
    Py_ssize_t free_count = PyList_GET_SIZE(free_slots);
    if (free_count == 0) {
        Py_ssize_t slot = PyList_GET_SIZE(objects);
        return PyList_Append(objects, obj) < 0 ? -1 : (long)slot;
    }
    long slot = PyLong_AsLong(PyList_GET_ITEM(free_slots, free_count - 1));
    if (slot == -1 && PyErr_Occurred())
        return -1;
    if (PyList_SetSlice(free_slots, free_count - 1, free_count, NULL) < 0 || pn_accel_set_object((int)slot, obj) < 0)
        return -1;
    return slot;
}

/* The object in `slot`, a new reference, or NULL (no exception set) if there is none. */
static PyObject *object_at(int slot) {
    if (slot < 0 || slot >= PyList_GET_SIZE(objects))
        return NULL;
    PyObject *obj = PyList_GET_ITEM(objects, slot);
    Py_INCREF(obj);
    return obj;
}

/* obj.<name>(arg) (or without an argument if `arg` is NULL) and the ticks after it; the
 * GIL is held. `arg` NULL with an exception set (making it failed) goes to fail(). */
static void call_method(pn_loop_t *loop, int slot, PyObject *name, PyObject *arg) {
    if (arg == NULL && PyErr_Occurred()) {
        fail(loop);
        return;
    }
    PyObject *obj = object_at(slot);
    if (obj == NULL) {
        PyErr_Format(PyExc_SystemError, "pyuv_net: no object in slot %d", slot);
        fail(loop);
        return;
    }
    PyObject *args[2] = {obj, arg};
    PyObject *r = PyObject_VectorcallMethod(name, args, (arg != NULL ? 2 : 1), NULL);
    Py_DECREF(obj);
    after_event(loop, r);
}

static int accelerated(pn_loop_t *loop) { return loop->py_ticks != NULL && objects != NULL && !loop->closing; }

int pn_accel_event(pn_loop_t *loop, int slot, enum pn_event event, int status) {
    if (!accelerated(loop))
        return 0;
    PyGILState_STATE gil = ensure_gil(loop);
    if (event < PN_EV_TIMER) {
        PyObject *arg = PyLong_FromLong(status);
        call_method(loop, slot, event_names[event], arg);
        Py_XDECREF(arg);
    } else {
        call_method(loop, slot, event_names[event], NULL);
    }
    PyGILState_Release(gil);
    return 1;
}

/* As pn_py_closed: the slot is released (_dispatch.release), then obj._on_closed(). */
int pn_accel_closed(pn_loop_t *loop, int slot) {
    if (!accelerated(loop))
        return 0;
    PyGILState_STATE gil = ensure_gil(loop);
    PyObject *obj = object_at(slot);
    int released = obj != NULL ? pn_accel_release_slot(slot) : -1;
    if (released < 0) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_SystemError, "pyuv_net: no object in slot %d", slot);
        fail(loop);
    } else {
        after_event(loop, PyObject_CallMethodNoArgs(obj, str_on_closed));
    }
    Py_XDECREF(obj);
    PyGILState_Release(gil);
    return 1;
}

/* ---- big reads: straight into the bytes object the listener gets ---------------- */

char *pn_accel_read_buffer(pn_handle_t *h, size_t size) {
    pn_loop_t *loop = h->loop;
    PyGILState_STATE gil = ensure_gil(loop);
    PyObject *bytes = loop->py_spare;
    loop->py_spare = NULL;
    if (bytes != NULL && (size_t)PyBytes_GET_SIZE(bytes) != size)
        Py_CLEAR(bytes);
    if (bytes == NULL && (bytes = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size)) == NULL)
        PyErr_Clear(); /* the slab then */
    Py_XSETREF(h->py_buffer, bytes); /* (NULL before: on_read takes each one) */
    h->py_buffer_data = bytes != NULL ? PyBytes_AS_STRING(bytes) : NULL;
    PyGILState_Release(gil);
    return h->py_buffer_data;
}

/* The read got nothing: the object is kept for the loop's next big read (one at most,
 * so idle connections hold none). */
void pn_accel_read_unused(pn_handle_t *h) {
    if (h->loop->py_spare == NULL)
        h->loop->py_spare = h->py_buffer;
    else
        drop_refs(&h->py_buffer, NULL);
    h->py_buffer = NULL;
}

void pn_accel_drop_reads(pn_loop_t *loop) {
    for (int i = 0; i < loop->nreads; i++)
        if (loop->read_bytes[i] != NULL)
            drop_refs(&loop->read_bytes[i], NULL);
}

/* A read's bytes object is used again when its listener let go of it: an echo's
 * write() is done with its bytes when it returns, and if nothing else holds the object
 * (its one reference is ours), the loop keeps it, its cached hash reset, for the next
 * read: a slab read of that length is copied into it, a big read (PN_READ_MAX) goes
 * straight into it (pn_accel_read_buffer's spare); a write's bytes object the kernel
 * took all of is let go of the same way. That saves a malloc and a free a
 * read (~500 instructions for 1 KiB, which is past glibc's per-thread cache; for a
 * 256 KiB read, the heap growing and shrinking under it). The loop keeps one of each
 * at most. (Not where reference counts are shared between threads, nor where the hash
 * field may be gone.) */
#if !defined(Py_GIL_DISABLED) && PY_VERSION_HEX < 0x030F0000
#define PN_REUSE_BYTES 1
#endif

static void let_go(pn_loop_t *loop, PyObject *bytes) {
#ifdef PN_REUSE_BYTES
    if (Py_REFCNT(bytes) == 1 && PyBytes_CheckExact(bytes)) {
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#elif defined(_MSC_VER)
#pragma warning(push)
#pragma warning(disable : 4996)
#endif
        ((PyBytesObject *)bytes)->ob_shash = -1; /* (deprecated to read, as a cache) */
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#elif defined(_MSC_VER)
#pragma warning(pop)
#endif
        void **kept = PyBytes_GET_SIZE(bytes) == PN_READ_MAX ? &loop->py_spare : &loop->py_reused;
        PyObject *old = *kept;
        *kept = bytes;
        Py_XDECREF(old);
        return;
    }
#endif
    Py_DECREF(bytes);
}

/* bytes(data[:n]), in the object let go of if it has that length. */
static PyObject *bytes_of(pn_loop_t *loop, const char *data, Py_ssize_t n) {
    PyObject *bytes = loop->py_reused;
    if (bytes != NULL && PyBytes_GET_SIZE(bytes) == n) {
        loop->py_reused = NULL;
        memcpy(PyBytes_AS_STRING(bytes), data, (size_t)n);
        return bytes;
    }
    return PyBytes_FromStringAndSize(data, n);
}

/* The bytes of gathered read i, as a new reference: a copy out of the slab, or its own
 * object cut to its length when at least half full (else a copy of that too, the
 * object being kept for the next big read: cut short, it would leave malloc a big
 * free tail, and a heap that shrinks and grows page by page costs more than a copy). */
static PyObject *read_chunk(pn_loop_t *loop, int i, const int *r) {
    PyObject *bytes = loop->read_bytes[i];
    if (bytes == NULL)
        return bytes_of(loop, loop->slab + r[1], r[2] - r[1]);
    loop->read_bytes[i] = NULL;
    if (r[2] < PyBytes_GET_SIZE(bytes) / 2) {
        PyObject *copy = bytes_of(loop, PyBytes_AS_STRING(bytes), r[2]);
        if (loop->py_spare == NULL)
            loop->py_spare = bytes;
        else
            Py_DECREF(bytes);
        return copy;
    }
    if (_PyBytes_Resize(&bytes, r[2]) < 0) /* (ours alone: nobody else has seen it) */
        return NULL;
    return bytes;
}

void pn_accel_deliver(pn_loop_t *loop) {
    PyGILState_STATE gil = ensure_gil(loop);
    for (int i = 0; i < loop->nreads; i++) {
        const int *r = loop->reads + 3 * i;
        if (uv_is_closing(&loop->read_handles[i]->u.handle)) {
            /* destroyed by an earlier listener: its stream hears nothing more (its
             * listener reference goes when the handle is freed) */
            Py_CLEAR(loop->read_bytes[i]);
            continue;
        }
        PyObject *listener = loop->read_handles[i]->py_listener;
        if (r[2] < 0) { /* EOF or an error */
            PyObject *nread = PyLong_FromLong(r[1]);
            call_method(loop, r[0], str_on_read_error, nread);
            Py_XDECREF(nread);
            continue;
        }
        if (listener == NULL) { /* bytes for the stream's own _on_data */
            PyObject *bytes = read_chunk(loop, i, r);
            call_method(loop, r[0], str_on_data, bytes);
            Py_XDECREF(bytes);
            continue;
        }
        PyObject *chunk = read_chunk(loop, i, r);
        if (chunk == NULL) {
            fail(loop);
            continue;
        }
        Py_INCREF(listener); /* the listener may remove itself */
        PyObject *result = PyObject_CallOneArg(listener, chunk);
        Py_DECREF(listener);
        let_go(loop, chunk);
        after_event(loop, result);
    }
    PyGILState_Release(gil);
}

/* A queued write's bytes object: held from Python (the GIL is ours), released from
 * its write callback (and kept for a read if nothing else holds it then). */
void pn_accel_hold(void *owner) { Py_INCREF((PyObject *)owner); }

void pn_accel_release(pn_loop_t *loop, void *owner) {
    PyGILState_STATE gil = ensure_gil(loop);
    if (loop->closing)
        Py_DECREF((PyObject *)owner);
    else
        let_go(loop, owner);
    PyGILState_Release(gil);
}

void pn_accel_handle_free(pn_handle_t *h) {
    if (h->py_listener != NULL || h->py_buffer != NULL) {
        hold_gil(h->loop);
        drop_refs(&h->py_listener, &h->py_buffer);
    }
}

void pn_accel_loop_free(pn_loop_t *loop) {
    if (loop->py_ticks != NULL)
        drop_refs(&loop->py_ticks, &loop->py_loop_ref);
    if (loop->py_spare != NULL)
        drop_refs(&loop->py_spare, NULL);
    if (loop->py_reused != NULL)
        drop_refs(&loop->py_reused, NULL);
}

/* ---- Stream.write in C ------------------------------------------------------------
 *
 * The fast path of pyuv_net/_stream.py's Stream.write, which stays the implementation
 * of everything else:
 *     if self._write_fast and type(data) is bytes and encoding is None and callback is None:
 * with `_write_fast` holding the handle's address (an int) while writing straight to
 * libuv is allowed, False otherwise. The slots are read at their offsets, found once
 * in the class's member descriptors, so an echo's write is one C call. */

static PyObject *write_impl, *str_dispatched, *zero;
static Py_ssize_t off_write_fast, off_wlen, off_whwm, off_need_drain;

PyObject *pn_accel_call_impl(PyObject *impl, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames) {
    PyObject *small[8];
    Py_ssize_t total = nargs + (kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0);
    PyObject **stack = total < 8 ? small : PyMem_Malloc(sizeof(PyObject *) * (size_t)(total + 1));
    if (stack == NULL)
        return PyErr_NoMemory();
    stack[0] = self;
    memcpy(stack + 1, args, sizeof(PyObject *) * (size_t)total);
    PyObject *r = PyObject_Vectorcall(impl, stack, (size_t)nargs + 1, kwnames);
    if (stack != small)
        PyMem_Free(stack);
    return r;
}

static PyObject *stream_write(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *fast = *slot_at(self, off_write_fast);
    if (nargs != 1 || kwnames != NULL || fast == NULL || !PyLong_CheckExact(fast) || !PyBytes_CheckExact(args[0]))
        return pn_accel_call_impl(write_impl, self, args, nargs, kwnames);
    pn_handle_t *h = PyLong_AsVoidPtr(fast);
    if (h == NULL)
        return NULL;
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    ssize_t queued = pn_write_owned(h, PyBytes_AS_STRING(args[0]), (size_t)n, args[0]);
    if (queued != 0) { /* queued in libuv, failed, or the wrong thread: Python accounts */
        PyObject *stack[4] = {self, PyLong_FromSsize_t(n), PyLong_FromSsize_t(queued), Py_None};
        PyObject *r = stack[1] && stack[2] ? PyObject_VectorcallMethod(str_dispatched, stack, 4, NULL) : NULL;
        Py_XDECREF(stack[1]);
        Py_XDECREF(stack[2]);
        return r;
    }
    /* As node 20, the answer is computed after the write: a chunk the kernel took at
     * once does not count against the high-water mark (nothing buffered is below any
     * mark, 0 included). */
    PyObject *wlen = *slot_at(self, off_wlen), *whwm = *slot_at(self, off_whwm);
    if (wlen == zero && whwm != NULL) /* (CPython's one 0: the usual case, answered without comparing) */
        Py_RETURN_TRUE;
    int below = wlen != NULL && whwm != NULL ? PyObject_RichCompareBool(wlen, whwm, Py_LT) : -1;
    if (below == 0)
        below = PyObject_Not(wlen);
    if (below < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_AttributeError, "_wlen");
        return NULL;
    }
    if (below)
        Py_RETURN_TRUE;
    Py_INCREF(Py_True);
    Py_XSETREF(*slot_at(self, off_need_drain), Py_True);
    Py_RETURN_FALSE;
}

static PyMethodDef write_def = {
    "write", (PyCFunction)(void (*)(void))stream_write, METH_FASTCALL | METH_KEYWORDS,
    "write($self, /, data, encoding=None, callback=None)\n--\n\n"
    "Writes `data` (bytes-like or str); False when the buffer is at or over the\n"
    "high-water mark ('drain' follows once it empties)."};

int pn_accel_install_named(PyTypeObject *type, PyMethodDef *def, const char *const *names, int count) {
    PyObject *descr = PyDescr_NewMethod(type, def);
    int bad = descr == NULL;
    for (int i = 0; i < count && !bad; i++)
        bad = PyObject_SetAttrString((PyObject *)type, names[i], descr) < 0;
    Py_XDECREF(descr);
    if (bad) {
        PyErr_Clear();
        return UV_ENOMEM;
    }
    return 0;
}

int pn_accel_install_method(PyTypeObject *type, PyMethodDef *def) {
    return pn_accel_install_named(type, def, (const char *const *)&def->ml_name, 1);
}

PyObject *pn_accel_new_with_slots(PyTypeObject *type, const Py_ssize_t *offsets, PyObject *const *values, int count) {
    PyObject *obj = type->tp_alloc(type, 0);
    for (int i = 0; obj != NULL && i < count; i++) {
        Py_XINCREF(values[i]);
        *slot_at(obj, offsets[i]) = values[i];
    }
    return obj;
}

Py_ssize_t pn_accel_slot_offset(PyTypeObject *type, const char *name) {
    PyObject *d = PyObject_GetAttrString((PyObject *)type, name);
    Py_ssize_t offset = -1;
    if (d == NULL) {
        PyErr_Clear();
    } else {
        if (Py_IS_TYPE(d, &PyMemberDescr_Type)) {
            PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
            if (m->type == Py_T_OBJECT_EX && !(m->flags & Py_READONLY))
                offset = m->offset;
        }
        Py_DECREF(d);
    }
    return offset;
}

int pn_accel_install_write(uintptr_t cls, uintptr_t impl) {
    PyTypeObject *type = (PyTypeObject *)cls;
    off_write_fast = pn_accel_slot_offset(type, "_write_fast");
    off_wlen = pn_accel_slot_offset(type, "_wlen");
    off_whwm = pn_accel_slot_offset(type, "_whwm");
    off_need_drain = pn_accel_slot_offset(type, "_need_drain");
    str_dispatched = str_dispatched != NULL ? str_dispatched : PyUnicode_InternFromString("_dispatched");
    zero = zero != NULL ? zero : PyLong_FromLong(0);
    if (off_write_fast < 0 || off_wlen < 0 || off_whwm < 0 || off_need_drain < 0 || str_dispatched == NULL ||
        zero == NULL) {
        PyErr_Clear();
        return UV_EINVAL;
    }
    Py_INCREF((PyObject *)impl); /* before the class lets go of it */
    Py_XSETREF(write_impl, (PyObject *)impl);
    return pn_accel_install_method(type, &write_def);
}

/* EventEmitter's add_listener (also on, addListener), once, prepend_listener and
 * prepend_once_listener (pyuv_net/_events.py) in C for their common case: a callable
 * listener, no 'newListener' listener, and no limit warning due. C then does what
 * the Python _add does: stores a new list with the listener (or a once() wrapper
 * around it) first or last, and calls _listeners_changed if the event is hooked.
 * Anything else (the decorator form, a limit passed, 'newListener', a bad listener
 * or event, an emitter whose __init__ did not run) goes to the Python method. An
 * accepted socket's on() calls, and pipe()'s six listeners, come here. */
enum {
    ADD_LISTENER, ONCE, PREPEND_LISTENER, PREPEND_ONCE_LISTENER, REMOVE_LISTENER, EMIT, ONCE_CALL, GET_MAX_LISTENERS,
    EMITTER_METHODS
};
static PyObject *emitter_impls[EMITTER_METHODS];
static PyObject *str_new_listener, *str_hooked_events, *str_listeners_changed, *str_get_max_listeners,
    *str_default_max_listeners;
static Py_ssize_t off_emitter_events, off_max_listeners;
static PyTypeObject *once_wrapper_type;
enum { ONCE_EMITTER, ONCE_EVENT, ONCE_LISTENER, ONCE_FIRED, ONCE_FIELDS };
static Py_ssize_t off_once[ONCE_FIELDS];

/* self._hooked_events, as a new reference. For an object without a __dict__ it is its
 * class's, kept with the class's version tag (a new one comes with any change to the
 * class or a base) for the emitters of that class that follow. */
static PyTypeObject *hooked_type;
static unsigned int hooked_tag;
static PyObject *hooked_value;

static PyObject *hooked_events(PyObject *self) {
    PyTypeObject *type = Py_TYPE(self);
    unsigned int tag = pn_version_tag(type);
    if (type == hooked_type && tag != 0 && tag == hooked_tag)
        return Py_NewRef(hooked_value);
    PyObject *hooked = PyObject_GetAttr(self, str_hooked_events);
    PyObject *in_class = hooked != NULL && type->tp_dictoffset == 0 ? _PyType_Lookup(type, str_hooked_events) : NULL;
    tag = pn_version_tag(type); /* (the lookups gave it one) */
    if (in_class == hooked && in_class != NULL && (hooked == Py_None || PyFrozenSet_CheckExact(hooked)) &&
        tag != 0) { /* (a plain value of the class itself) */
        Py_INCREF(type);
        Py_XSETREF(hooked_type, type);
        Py_XSETREF(hooked_value, Py_NewRef(hooked));
        hooked_tag = tag;
    }
    return hooked;
}

/* What the Python methods end with: self._listeners_changed(event) if the event is
 * in self._hooked_events (None: all), then self as the result. */
static PyObject *listeners_changed(PyObject *self, PyObject *event) {
    PyObject *hooked = hooked_events(self);
    if (hooked == NULL)
        return NULL;
    int hook = hooked == Py_None ? 1 : PySequence_Contains(hooked, event);
    Py_DECREF(hooked);
    if (hook > 0) {
        PyObject *r = PyObject_CallMethodOneArg(self, str_listeners_changed, event);
        if (r == NULL)
            return NULL;
        Py_DECREF(r);
    }
    if (hook < 0)
        return NULL;
    Py_INCREF(self);
    return self;
}

/* EventEmitter.get_max_listeners in C: the limit set, else the class's default. Asked
 * each time an event gets a second listener or more. */
static PyObject *emitter_get_max_listeners(PyObject *self, PyObject *unused) {
    PyObject *limit = *slot_at(self, off_max_listeners);
    if (limit != NULL && limit != Py_None)
        return Py_NewRef(limit);
    return PyObject_GetAttr(self, str_default_max_listeners);
}

static PyMethodDef get_max_listeners_def = {
    "get_max_listeners", emitter_get_max_listeners, METH_NOARGS,
    "get_max_listeners($self, /)\n--\n\nThe current limit (``default_max_listeners`` unless set)."};

/* 1 if `count` listeners pass the limit (0 < self.get_max_listeners() < count), as
 * _add's test for its warning; 0 if not; -1 with an exception. */
static int over_limit(PyObject *self, Py_ssize_t count) {
    PyObject *limit = PyObject_CallMethodNoArgs(self, str_get_max_listeners);
    PyObject *n = limit != NULL ? PyLong_FromSsize_t(count) : NULL;
    int over = n != NULL ? PyObject_RichCompareBool(zero, limit, Py_LT) : -1;
    if (over > 0)
        over = PyObject_RichCompareBool(limit, n, Py_LT);
    Py_XDECREF(limit);
    Py_XDECREF(n);
    return over;
}

/* A new _OnceWrapper(self, event, listener). */
static PyObject *new_once_wrapper(PyObject *self, PyObject *event, PyObject *listener) {
    PyObject *values[ONCE_FIELDS] = {self, event, listener, Py_False};
    return pn_accel_new_with_slots(once_wrapper_type, off_once, values, ONCE_FIELDS);
}

static PyObject *emitter_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                             int method) {
    PyObject *events = nargs == 2 && kwnames == NULL ? *slot_at(self, off_emitter_events) : NULL;
    if (events == NULL || !PyDict_CheckExact(events) || !PyCallable_Check(args[1]))
        return pn_accel_call_impl(emitter_impls[method], self, args, nargs, kwnames);
    Py_INCREF(events); /* (the event's __eq__ may run Python code that drops it) */
    PyObject *old = NULL;
    int usual = PyDict_GetItemWithError(events, str_new_listener) == NULL && !PyErr_Occurred();
    if (usual) {
        old = PyDict_GetItemWithError(events, args[0]);
        usual = old != NULL ? PyList_CheckExact(old) : !PyErr_Occurred();
        Py_XINCREF(old);
    }
    Py_ssize_t count = old != NULL ? PyList_GET_SIZE(old) : 0;
    if (usual && count > 0)
        usual = over_limit(self, count + 1) == 0; /* (the Python method warns) */
    int stored = -1;
    if (usual) {
        int prepend = method == PREPEND_LISTENER || method == PREPEND_ONCE_LISTENER;
        PyObject *listener = method == ONCE || method == PREPEND_ONCE_LISTENER
                                 ? new_once_wrapper(self, args[0], args[1])
                                 : Py_NewRef(args[1]);
        PyObject *listeners = listener != NULL ? PyList_New(count + 1) : NULL;
        if (listeners != NULL) {
            PyList_SET_ITEM(listeners, prepend ? 0 : count, Py_NewRef(listener));
            for (Py_ssize_t i = 0; i < count; i++)
                PyList_SET_ITEM(listeners, prepend ? i + 1 : i, Py_NewRef(PyList_GET_ITEM(old, i)));
            stored = PyDict_SetItem(events, args[0], listeners);
        }
        Py_XDECREF(listener);
        Py_XDECREF(listeners);
    }
    Py_XDECREF(old);
    Py_DECREF(events);
    if (!usual) {
        PyErr_Clear(); /* (an unhashable event: the Python method raises it again) */
        return pn_accel_call_impl(emitter_impls[method], self, args, nargs, kwnames);
    }
    return stored < 0 ? NULL : listeners_changed(self, args[0]);
}

#define ADDER(name, method)                                                                                        \
    static PyObject *name(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {        \
        return emitter_add(self, args, nargs, kwnames, method);                                                    \
    }
ADDER(emitter_add_listener, ADD_LISTENER)
ADDER(emitter_once, ONCE)
ADDER(emitter_prepend_listener, PREPEND_LISTENER)
ADDER(emitter_prepend_once_listener, PREPEND_ONCE_LISTENER)

static PyMethodDef add_defs[] = {
    {"add_listener", (PyCFunction)(void (*)(void))emitter_add_listener, METH_FASTCALL | METH_KEYWORDS,
     "add_listener($self, /, event, listener=...)\n--\n\n"
     "Add ``listener`` for ``event``; returns ``self``.\n\n"
     "Without ``listener``, returns a decorator that registers the function\n"
     "it decorates and returns that function."},
    {"once", (PyCFunction)(void (*)(void))emitter_once, METH_FASTCALL | METH_KEYWORDS,
     "once($self, /, event, listener=...)\n--\n\n"
     "Add a listener called at most once; returns ``self`` (or a\n"
     "decorator without ``listener``)."},
    {"prepend_listener", (PyCFunction)(void (*)(void))emitter_prepend_listener, METH_FASTCALL | METH_KEYWORDS,
     "prepend_listener($self, /, event, listener=...)\n--\n\n"
     "Add ``listener`` before the other listeners of ``event``."},
    {"prepend_once_listener", (PyCFunction)(void (*)(void))emitter_prepend_once_listener,
     METH_FASTCALL | METH_KEYWORDS,
     "prepend_once_listener($self, /, event, listener=...)\n--\n\n"
     "``once`` that runs before the other listeners of ``event``."},
};

/* EventEmitter.remove_listener (also off and removeListener) in C for its common case:
 * nobody listens for 'removeListener' and no limit warning is remembered. C then
 * looks for the last listener equal to `listener` (as a bound method is to itself) or
 * a once() wrapper around it, stores the list without it (or drops the event's key),
 * and calls _listeners_changed if the event is hooked, as the Python method does;
 * anything else goes to the Python method. A once() listener firing, and a pipe's
 * clean-up, come here. */
static PyObject *str_remove_listener, *str_remove_listener_method;
static Py_ssize_t off_emitter_warned;

/* As the Python method's test: item == listener, or item wraps it (once()). */
static int listener_matches(PyObject *item, PyObject *listener) {
    int match = PyObject_RichCompareBool(item, listener, Py_EQ);
    if (match != 0 || !Py_IS_TYPE(item, once_wrapper_type))
        return match;
    PyObject *wrapped = *slot_at(item, off_once[ONCE_LISTENER]);
    if (wrapped == NULL)
        return 0;
    Py_INCREF(wrapped);
    match = PyObject_RichCompareBool(wrapped, listener, Py_EQ);
    Py_DECREF(wrapped);
    return match;
}

static PyObject *emitter_remove_listener(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                         PyObject *kwnames) {
    PyObject *events = nargs == 2 && kwnames == NULL ? *slot_at(self, off_emitter_events) : NULL;
    PyObject *warned = *slot_at(self, off_emitter_warned);
    if (events == NULL || !PyDict_CheckExact(events) || (warned != NULL && warned != Py_None) ||
        !PyCallable_Check(args[1]))
        return pn_accel_call_impl(emitter_impls[REMOVE_LISTENER], self, args, nargs, kwnames);
    Py_INCREF(events); /* (the event's or the listener's __eq__ may run Python code) */
    int usual = PyDict_GetItemWithError(events, str_remove_listener) == NULL && !PyErr_Occurred();
    PyObject *old = usual ? PyDict_GetItemWithError(events, args[0]) : NULL;
    Py_ssize_t found = -1;
    if (old == NULL) {
        usual = usual && !PyErr_Occurred();
    } else if (!PyList_CheckExact(old)) {
        usual = 0;
    } else { /* (the lists are copy-on-write: held, this one stays as it is) */
        Py_INCREF(old);
        for (Py_ssize_t i = PyList_GET_SIZE(old) - 1; i >= 0 && found < 0 && usual; i--) {
            PyObject *item = Py_NewRef(PyList_GET_ITEM(old, i));
            int match = listener_matches(item, args[1]);
            Py_DECREF(item);
            if (match > 0)
                found = i;
            usual = match >= 0;
        }
        if (found >= 0 && (*slot_at(self, off_emitter_events) != events ||
                           PyDict_GetItemWithError(events, args[0]) != old))
            usual = 0; /* (changed by that code: the Python method sorts it out) */
        if (found >= 0 && usual) {
            Py_ssize_t n = PyList_GET_SIZE(old);
            PyObject *rest = n > 1 ? PyList_New(n - 1) : NULL;
            for (Py_ssize_t i = 0, j = 0; rest != NULL && i < n; i++)
                if (i != found)
                    PyList_SET_ITEM(rest, j++, Py_NewRef(PyList_GET_ITEM(old, i)));
            if ((n > 1 && rest == NULL) ||
                (rest != NULL ? PyDict_SetItem(events, args[0], rest) : PyDict_DelItem(events, args[0])) < 0)
                found = -2; /* (an exception: raised below) */
            Py_XDECREF(rest);
        }
        Py_DECREF(old);
    }
    Py_DECREF(events);
    if (!usual) {
        PyErr_Clear(); /* (the Python method raises what is to be raised) */
        return pn_accel_call_impl(emitter_impls[REMOVE_LISTENER], self, args, nargs, kwnames);
    }
    if (found == -2)
        return NULL;
    return found < 0 ? Py_NewRef(self) : listeners_changed(self, args[0]);
}

static PyMethodDef remove_listener_def = {
    "remove_listener", (PyCFunction)(void (*)(void))emitter_remove_listener, METH_FASTCALL | METH_KEYWORDS,
    "remove_listener($self, /, event, listener)\n--\n\n"
    "Remove the most recently added instance of ``listener`` (or of a\n"
    "``once`` wrapper around it) from ``event``; returns ``self``."};

/* EventEmitter.emit in C: the event's listeners called in order with the arguments, from
 * the list as it was when the emit started (the lists are copy-on-write, so holding it is
 * enough); True if there was one. No listener: False, except for 'error', which the
 * Python method raises; anything unusual (keywords, an emitter whose __init__ did not
 * run, an unhashable event) goes to the Python method too. Saves a Python frame in
 * every emit, 'connection' and a stream's 'data' outside C's read path among them. */
static PyObject *emitter_emit(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *events = nargs >= 1 && kwnames == NULL ? *slot_at(self, off_emitter_events) : NULL;
    int usual = events != NULL && PyDict_CheckExact(events);
    PyObject *listeners = NULL;
    if (usual) {
        Py_INCREF(events); /* (the event's __eq__ may run Python code that drops it) */
        listeners = PyDict_GetItemWithError(events, args[0]);
        Py_XINCREF(listeners);
        Py_DECREF(events);
    }
    if (listeners == NULL && usual && !PyErr_Occurred() && PyUnicode_CheckExact(args[0]) &&
        PyUnicode_CompareWithASCIIString(args[0], "error") != 0)
        Py_RETURN_FALSE;
    if (listeners == NULL || !PyList_CheckExact(listeners)) {
        Py_XDECREF(listeners);
        PyErr_Clear(); /* (the Python method raises what is to be raised) */
        return pn_accel_call_impl(emitter_impls[EMIT], self, args, nargs, kwnames);
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(listeners); i++) {
        PyObject *listener = PyList_GET_ITEM(listeners, i);
        Py_INCREF(listener);
        PyObject *r = PyObject_Vectorcall(listener, args + 1, (size_t)(nargs - 1), NULL);
        Py_DECREF(listener);
        if (r == NULL) {
            Py_DECREF(listeners);
            return NULL;
        }
        Py_DECREF(r);
    }
    Py_DECREF(listeners);
    Py_RETURN_TRUE;
}

static PyMethodDef emit_def = {
    "emit", (PyCFunction)(void (*)(void))emitter_emit, METH_FASTCALL | METH_KEYWORDS,
    "emit($self, event, /, *args)\n--\n\n"
    "Call every listener of ``event`` with ``args``; ``True`` if there\n"
    "was at least one."};

/* _OnceWrapper.__call__ in C: a once() listener firing removes itself from its
 * emitter, is marked fired, then calls the listener, each read from the wrapper when
 * the Python method reads it. Keywords, a subclass or a wrapper whose fields are not
 * set as once() sets them go to the Python method. */
static PyObject *once_wrapper_call(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *fired = *slot_at(self, off_once[ONCE_FIRED]), *emitter = *slot_at(self, off_once[ONCE_EMITTER]),
             *event = *slot_at(self, off_once[ONCE_EVENT]);
    if (kwnames != NULL || !Py_IS_TYPE(self, once_wrapper_type) || (fired != Py_True && fired != Py_False) ||
        emitter == NULL || event == NULL)
        return pn_accel_call_impl(emitter_impls[ONCE_CALL], self, args, nargs, kwnames);
    if (fired == Py_True)
        Py_RETURN_NONE;
    PyObject *stack[3] = {emitter, event, self};
    Py_INCREF(emitter); /* (held: removing may run code that changes the wrapper) */
    Py_INCREF(event);
    PyObject *r = PyObject_VectorcallMethod(str_remove_listener_method, stack, 3, NULL);
    Py_DECREF(emitter);
    Py_DECREF(event);
    if (r == NULL)
        return NULL;
    Py_DECREF(r);
    Py_XSETREF(*slot_at(self, off_once[ONCE_FIRED]), Py_NewRef(Py_True));
    PyObject *listener = *slot_at(self, off_once[ONCE_LISTENER]);
    if (listener == NULL) {
        PyErr_SetString(PyExc_AttributeError, "listener");
        return NULL;
    }
    Py_INCREF(listener);
    r = PyObject_Vectorcall(listener, args, (size_t)nargs, NULL);
    Py_DECREF(listener);
    return r;
}

static PyMethodDef once_call_def = {
    "__call__", (PyCFunction)(void (*)(void))once_wrapper_call, METH_FASTCALL | METH_KEYWORDS,
    "Call self as a function."};

PyObject *pn_accel_emitter(enum pn_emitter_method method, PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    switch (method) {
    case PN_EMITTER_ON:
        return emitter_add(self, args, nargs, NULL, ADD_LISTENER);
    case PN_EMITTER_ONCE:
        return emitter_add(self, args, nargs, NULL, ONCE);
    case PN_EMITTER_PREPEND:
        return emitter_add(self, args, nargs, NULL, PREPEND_LISTENER);
    case PN_EMITTER_REMOVE:
        return emitter_remove_listener(self, args, nargs, NULL);
    default:
        return emitter_emit(self, args, nargs, NULL);
    }
}

int pn_accel_install_emitter(uintptr_t cls, uintptr_t impls, uintptr_t once_cls) {
    PyTypeObject *type = (PyTypeObject *)cls, *once_type = (PyTypeObject *)once_cls;
    PyObject *methods = (PyObject *)impls;
    off_emitter_events = pn_accel_slot_offset(type, "_events");
    off_emitter_warned = pn_accel_slot_offset(type, "_warned");
    off_max_listeners = pn_accel_slot_offset(type, "_max_listeners");
    const char *const once_names[ONCE_FIELDS] = {"emitter", "event", "listener", "fired"};
    int bad = !PyTuple_CheckExact(methods) || PyTuple_GET_SIZE(methods) != EMITTER_METHODS ||
              off_emitter_events < 0 || off_emitter_warned < 0 || off_max_listeners < 0;
    for (int i = 0; i < ONCE_FIELDS && !bad; i++)
        bad = (off_once[i] = pn_accel_slot_offset(once_type, once_names[i])) < 0;
    if (bad || pn_accel_intern(&str_new_listener, "newListener") ||
        pn_accel_intern(&str_remove_listener, "removeListener") ||
        pn_accel_intern(&str_remove_listener_method, "remove_listener") || pn_accel_intern(&str_hooked_events, "_hooked_events") ||
        pn_accel_intern(&str_listeners_changed, "_listeners_changed") ||
        pn_accel_intern(&str_get_max_listeners, "get_max_listeners") ||
        pn_accel_intern(&str_default_max_listeners, "default_max_listeners") ||
        (zero == NULL && (zero = PyLong_FromLong(0)) == NULL)) {
        PyErr_Clear();
        return UV_EINVAL;
    }
    for (int i = 0; i < EMITTER_METHODS; i++) /* (held: the class lets go of them) */
        Py_XSETREF(emitter_impls[i], Py_NewRef(PyTuple_GET_ITEM(methods, i)));
    Py_XSETREF(once_wrapper_type, (PyTypeObject *)Py_NewRef((PyObject *)once_type));
    const char *const adds[] = {"add_listener", "on", "addListener"};
    const char *const onces[] = {"once"};
    const char *const prepends[] = {"prepend_listener", "prependListener"};
    const char *const prepend_onces[] = {"prepend_once_listener", "prependOnceListener"};
    const char *const removes[] = {"remove_listener", "off", "removeListener"};
    const char *const emits[] = {"emit"};
    const char *const get_max[] = {"get_max_listeners", "getMaxListeners"};
    int r = pn_accel_install_named(type, &add_defs[ADD_LISTENER], adds, 3);
    r = r != 0 ? r : pn_accel_install_named(type, &add_defs[ONCE], onces, 1);
    r = r != 0 ? r : pn_accel_install_named(type, &add_defs[PREPEND_LISTENER], prepends, 2);
    r = r != 0 ? r : pn_accel_install_named(type, &add_defs[PREPEND_ONCE_LISTENER], prepend_onces, 2);
    r = r != 0 ? r : pn_accel_install_named(type, &remove_listener_def, removes, 3);
    r = r != 0 ? r : pn_accel_install_named(type, &emit_def, emits, 1);
    r = r != 0 ? r : pn_accel_install_named(type, &get_max_listeners_def, get_max, 2);
    return r != 0 ? r : pn_accel_install_method(once_type, &once_call_def);
}

/* Socket._fresh_copy (pyuv_net/_socket.py) in C: a new object of the same class with
 * every __slots__ value of the class and its bases shared, and a new empty `_events`
 * dict. The values of a never-opened stream are immutable but for `_events`, so this
 * is the constructors' result without running ~250 bytecodes per accepted socket. */
static Py_ssize_t off_events;

/* The slots' offsets of the class last copied (a server's sockets are all of one). */
static PyTypeObject *copied_type;
static Py_ssize_t *copied_offsets, copied_count;

static int find_slot_offsets(PyTypeObject *type) {
    Py_ssize_t count = 0, *offsets = NULL;
    PyObject *mro = type->tp_mro;
    for (int pass = 0; pass < 2; pass++) { /* count, then fill */
        count = 0;
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); i++) {
            PyTypeObject *base = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
            if (!(base->tp_flags & Py_TPFLAGS_HEAPTYPE) || base->tp_members == NULL)
                continue;
            for (PyMemberDef *m = base->tp_members; m->name != NULL; m++) {
                if (m->type != Py_T_OBJECT_EX || (m->flags & Py_READONLY))
                    continue;
                if (offsets != NULL)
                    offsets[count] = m->offset;
                count++;
            }
        }
        if (pass == 0 && (offsets = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(count + 1))) == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    PyMem_Free(copied_offsets);
    Py_INCREF(type); /* (kept, so that its address names it) */
    Py_XSETREF(copied_type, type);
    copied_offsets = offsets;
    copied_count = count;
    return 0;
}

static PyObject *socket_fresh_copy(PyObject *self, PyObject *unused) {
    PyTypeObject *type = Py_TYPE(self);
    if (type != copied_type && find_slot_offsets(type) < 0)
        return NULL;
    PyObject *copy = type->tp_alloc(type, 0);
    if (copy == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < copied_count; i++) {
        PyObject *value = *slot_at(self, copied_offsets[i]);
        Py_XINCREF(value);
        *slot_at(copy, copied_offsets[i]) = value;
    }
    PyObject *events = PyDict_New();
    if (events == NULL) {
        Py_DECREF(copy);
        return NULL;
    }
    Py_XSETREF(*slot_at(copy, off_events), events);
    return copy;
}

static PyMethodDef fresh_copy_def = {
    "_fresh_copy", socket_fresh_copy, METH_NOARGS,
    "A new socket in the state of this never-opened one."};

int pn_accel_install_fresh_copy(uintptr_t cls) {
    off_events = pn_accel_slot_offset((PyTypeObject *)cls, "_events");
    return off_events < 0 ? UV_EINVAL : pn_accel_install_method((PyTypeObject *)cls, &fresh_copy_def);
}

#else /* PyPy: reads go through pn_py_reads */

int pn_accel_available(void) { return 0; }
int pn_loop_accelerate(pn_loop_t *loop, uintptr_t ticks, uintptr_t loop_ref) { return UV_ENOSYS; }
void pn_handle_set_listener(pn_handle_t *h, uintptr_t listener) {}
void pn_accel_deliver(pn_loop_t *loop) {}
void pn_accel_handle_free(pn_handle_t *h) {}
void pn_accel_hold(void *owner) {}
void pn_accel_release(pn_loop_t *loop, void *owner) {}
void pn_accel_loop_free(pn_loop_t *loop) {}
char *pn_accel_read_buffer(pn_handle_t *h, size_t size) { return NULL; }
void pn_accel_read_unused(pn_handle_t *h) {}
void pn_accel_drop_reads(pn_loop_t *loop) {}
int pn_accel_install_write(uintptr_t cls, uintptr_t impl) { return UV_ENOSYS; }
int pn_accel_install_fresh_copy(uintptr_t cls) { return UV_ENOSYS; }
int pn_accel_install_emitter(uintptr_t cls, uintptr_t impls, uintptr_t once_cls) { return UV_ENOSYS; }
int pn_accel_install_dispatch(uintptr_t objects_list, uintptr_t free_list) { return UV_ENOSYS; }
int pn_accel_event(pn_loop_t *loop, int id, enum pn_event event, int status) { return 0; }
int pn_accel_closed(pn_loop_t *loop, int id) { return 0; }

#endif
