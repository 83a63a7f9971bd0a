/* A connection's life in C (CPython). What pyuv_net's Server and Stream do from
 * accepting a connection to flowing, and from the peer's EOF to closing the handle,
 * for a plain Socket (of that class itself, none of whose methods were replaced) in
 * the usual state:
 *
 *   connection      Server._on_connection   accept, reading; 'connection'
 *   on('data', f)   _listeners_changed   resume(): tick _resume_now
 *   tick            _resume_now      flowing: f is the listener C reads to
 *   ...
 *   EOF             _on_read_error   reading stops; tick _emit_end
 *   tick            _emit_end        'end'; tick _end_after_fin
 *   tick            _end_after_fin   end(): shutdown()
 *   shutdown done   _on_shutdown     'prefinish'; tick _finish
 *   tick            _finish          end() callbacks, 'finish'; destroy(): close the handle
 *   closed          _Closing._on_closed, _emit_close   'close'
 *
 * Each step is the Python method's own, in the same order and with the same ticks
 * between them, so what user code can see between two steps is what it sees on PyPy.
 * Each C method starts its step only from a state it knows (every flag a bool, ints
 * exact, nothing buffered or held back, ...) and otherwise calls the Python method it
 * replaces, which stays the definition. Once listeners or end() callbacks ran, what
 * they left is read as Python reads it. Before, a connection's start and end cost
 * ~1,000 bytecodes and ~40 Python calls in these methods. */
#include <Python.h>

#include "internal.h"
#include "accel.h"

#ifndef PYPY_VERSION

/* The Stream and Socket slots the steps read and write. */
enum field {
    F_TID, F_LOOP, F_EVENTS, F_HANDLE, F_ADDRESS, F_SLOT, F_SERVER, F_READ_FAST, F_WRITE_FAST,
    F_READING, F_R_ENDED, F_END_EMITTED, F_END_SCHEDULED, F_RLEN, F_DECODER, F_READABLE_LISTENING,
    F_ALLOW_HALF_OPEN, F_READABLE_ON, F_WRITABLE_ON, F_AFTER_FIN, F_CORKED, F_WLEN, F_WBUF,
    F_INFLIGHT, F_PENDING, F_ENDING, F_FINAL_CALLED, F_PREFINISHED, F_FINISHED, F_END_CBS,
    F_DESTROYED, F_ERRORED, F_CLOSE_EMITTED, F_RESET_ON_DESTROY, F_CONNECTING, F_HANDLELESS_TIMER,
    F_BYTES_READ, F_BYTES_WRITTEN, F_ATTEMPTS, F_SOCKNAME, F_NDATA, F_PIPES, F_FLOWING, F_PAUSED,
    F_RESUME_SCHEDULED, F_RBUF, F_KIND, F_NO_DELAY, F_COUNT
};
static const char *const field_names[F_COUNT] = {
    "_tid", "_loop", "_events", "_handle", "_address", "_slot", "_server", "_read_fast", "_write_fast",
    "_reading", "_r_ended", "_end_emitted", "_end_scheduled", "_rlen", "_decoder", "_readable_listening",
    "_allow_half_open", "_readable_on", "_writable_on", "_after_fin", "_corked", "_wlen", "_wbuf",
    "_inflight", "_pending", "_ending", "_final_called", "_prefinished", "_finished", "_end_cbs",
    "_destroyed", "_errored", "_close_emitted", "_reset_on_destroy", "_connecting", "_handleless_timer",
    "_bytes_read", "_bytes_written", "_attempts", "_sockname", "_ndata", "_pipes", "_flowing", "_paused",
    "_resume_scheduled", "_rbuf", "_kind", "_no_delay"};
static Py_ssize_t off[F_COUNT];

/* _Closing (pyuv_net/_stream.py), which destroy() puts in the handle's slot: made here
 * with the values its __init__ gives. */
enum closing_field { C_LOOP, C_STREAM, C_INFLIGHT, C_HAD_ERROR, C_READ_FAST, C_COUNT };
static const char *const closing_names[C_COUNT] = {"_loop", "_stream", "_inflight", "_had_error", "_read_fast"};
static Py_ssize_t closing_off[C_COUNT];
static PyTypeObject *closing_type;

/* The Server slots. */
enum server_field {
    S_LOOP, S_HANDLE, S_ADDRESS, S_KIND, S_CONNECTIONS, S_OPTIONS, S_MAX_CONNECTIONS, S_FRESH_SOCKET, S_COUNT
};
static const char *const server_names[S_COUNT] = {
    "_loop", "_handle", "_address", "_kind", "_connections", "_options", "_max_connections", "_fresh_socket"};
static Py_ssize_t server_off[S_COUNT];
static PyTypeObject *server_type; /* Server: its own methods are C's or looked up by name */
static PyObject *ignored_type;    /* _dispatch.Ignored */
static PyObject *cast, *handle_ctype; /* ffi.cast and pn_handle_t *: a cffi pointer from an address */

static PyTypeObject *plain_type;  /* Socket */
static PyObject *inlined;         /* [(class, name, function)]: the Python code the steps stand for */
static unsigned int plain_tag, changed_tag; /* plain_type's version tag when checked, and found changed */
static PyTypeObject *deque_type;
/* The steps, as C methods, in the order of the Python methods given to install. */
enum {
    M_ON_CONNECTION, M_LISTENERS_CHANGED, M_RESUME_NOW, M_ON_READ_ERROR, M_EMIT_END, M_END_AFTER_FIN,
    M_ON_SHUTDOWN, M_FINISH, M_EMIT_CLOSE, M_CLOSING_ON_CLOSED, M_DESTROY, M_COUNT
};

static PyObject *impls[M_COUNT]; /* the Python methods, in the order of `methods` below */

static PyObject *one, *zero, *minus_one, *no_args;
static PyObject *s_tick, *s_embedder, *s_work_queued, *s_destroy, *s_final_done, *s_emit_close_if_drained,
    *s_connection_closed,
    *s_fresh_copy, *s_emit_close, *s_no_delay, *s_pause_on_connect, *s_keep_alive, *s_ev_connection,
    *s_emit_end, *s_end_after_fin, *s_finish, *s_resume_now, *s_emit, *s_ev_data, *s_ev_resume, *s_ev_end,
    *s_ev_prefinish, *s_ev_finish, *s_ev_close;

#define GET(self, f) (*slot_at((self), off[f]))
#define SERVER(self, f) (*slot_at((self), server_off[f]))

/* self.<f> = value (a new reference is taken). */
static void set(PyObject *self, enum field f, PyObject *value) {
    Py_INCREF(value);
    Py_XSETREF(*slot_at(self, off[f]), value);
}

/* self.<f> = value, taking the caller's reference. */
static void set_taken(PyObject *self, enum field f, PyObject *value) { Py_XSETREF(*slot_at(self, off[f]), value); }

static int is_bool(PyObject *v) { return v == Py_True || v == Py_False; }

/* 1 for an int 0, 0 for another int, -1 for anything else. */
static int int_zero(PyObject *v) { return v != NULL && PyLong_CheckExact(v) ? !PyObject_IsTrue(v) : -1; }

/* 1 for an empty write buffer, end() callback list or deque of writes in flight (None,
 * (), [], deque()), 0 for a full one, -1 for anything else. */
static int empty(PyObject *v) {
    if (v == Py_None)
        return 1;
    if (v != NULL && (PyTuple_CheckExact(v) || PyList_CheckExact(v) || Py_IS_TYPE(v, deque_type)))
        return PyObject_Length(v) == 0;
    return -1;
}

/* The class's version tag, or 0 while it has none: CPython gives a class a new one
 * after every change to it or to a base. */
static unsigned int version_tag(PyTypeObject *type) {
#ifdef Py_TPFLAGS_VALID_VERSION_TAG
    if (!(type->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG))
        return 0;
#endif
    return type->tp_version_tag;
}

/* Whether this class's methods are still the ones the steps stand for: checked again
 * whenever the class (or a base) changes. */
static int methods_unchanged(void) {
    int same = 1;
    for (Py_ssize_t i = 0; same && i < PyList_GET_SIZE(inlined); i++) {
        PyObject *entry = PyList_GET_ITEM(inlined, i);
        PyObject *now = PyObject_GetAttr(PyTuple_GET_ITEM(entry, 0), PyTuple_GET_ITEM(entry, 1));
        same = now == PyTuple_GET_ITEM(entry, 2);
        Py_XDECREF(now);
    }
    PyErr_Clear();
    PyObject *lookup = PyObject_GetAttr((PyObject *)plain_type, s_destroy); /* (gives it a tag) */
    Py_XDECREF(lookup);
    PyErr_Clear();
    if (same)
        plain_tag = version_tag(plain_type);
    else
        changed_tag = version_tag(plain_type);
    return same;
}

/* 1 when self is a plain Socket: its class itself, with the methods of pyuv_net. */
static int plain(PyObject *self) {
    if (Py_TYPE(self) != plain_type)
        return 0;
    unsigned int tag = version_tag(plain_type);
    if (tag != 0 && tag == plain_tag)
        return 1;
    if (tag != 0 && tag == changed_tag)
        return 0;
    return methods_unchanged();
}

/* 1 if self has listeners for `event`, 0 if not, -1 if C cannot tell. */
static int has_listeners(PyObject *self, PyObject *event) {
    PyObject *events = GET(self, F_EVENTS);
    if (events == NULL || !PyDict_CheckExact(events))
        return -1;
    Py_INCREF(events);
    PyObject *found = PyDict_GetItemWithError(events, event);
    Py_DECREF(events);
    if (found == NULL && PyErr_Occurred()) {
        PyErr_Clear();
        return -1;
    }
    return found != NULL;
}

/* Stream._need_finish() but for its `_ending` test: 1, 0, or -1 as above. */
static int need_finish_but_ending(PyObject *self) {
    PyObject *destroyed = GET(self, F_DESTROYED), *finished = GET(self, F_FINISHED),
             *close_emitted = GET(self, F_CLOSE_EMITTED), *errored = GET(self, F_ERRORED);
    int no_wlen = int_zero(GET(self, F_WLEN)), no_wbuf = empty(GET(self, F_WBUF)),
        none_inflight = empty(GET(self, F_INFLIGHT));
    if (!is_bool(destroyed) || !is_bool(finished) || !is_bool(close_emitted) || errored == NULL || no_wlen < 0 ||
        no_wbuf < 0 || none_inflight < 0)
        return -1;
    return destroyed == Py_False && no_wlen && no_wbuf && errored == Py_None && finished == Py_False &&
           none_inflight && close_emitted == Py_False;
}

/* Stream._need_finish(). */
static int need_finish(PyObject *self) {
    PyObject *ending = GET(self, F_ENDING);
    int rest = need_finish_but_ending(self);
    return !is_bool(ending) || rest < 0 ? -1 : ending == Py_True && rest;
}

/* obj.<name>(arg) (or without an argument if `arg` is NULL) for its side effects, obj
 * and arg held meanwhile: 0, or -1 with an exception. */
static int call(PyObject *obj, PyObject *name, PyObject *arg) {
    PyObject *stack[2] = {obj, arg};
    Py_INCREF(obj);
    Py_XINCREF(arg);
    PyObject *r = PyObject_VectorcallMethod(name, stack, arg != NULL ? 2 : 1, NULL);
    Py_DECREF(obj);
    Py_XDECREF(arg);
    Py_XDECREF(r);
    return r != NULL ? 0 : -1;
}

/* call() as a method's result: None, or NULL with an exception. */
static PyObject *call_for_effect(PyObject *obj, PyObject *name, PyObject *arg) {
    return call(obj, name, arg) < 0 ? NULL : Py_NewRef(Py_None);
}

/* self.emit(event) (or self.emit(event, arg)) if `listening`: 0, or -1 with an
 * exception. */
static int emit_if(PyObject *self, int listening, PyObject *event, PyObject *arg) {
    if (!listening)
        return 0;
    PyObject *stack[3] = {self, event, arg};
    PyObject *r = PyObject_VectorcallMethod(s_emit, stack, arg != NULL ? 3 : 2, NULL);
    Py_XDECREF(r);
    return r != NULL ? 0 : -1;
}

/* self._loop._tick((self.<name>, ())): 0, or -1 with an exception. */
static int tick(PyObject *self, PyObject *name) {
    PyObject *fn = PyObject_GetAttr(self, name);
    PyObject *entry = fn != NULL ? PyTuple_Pack(2, fn, no_args) : NULL;
    Py_XDECREF(fn);
    PyObject *loop = GET(self, F_LOOP);
    if (entry == NULL || loop == NULL) {
        if (entry != NULL)
            PyErr_SetString(PyExc_AttributeError, "_loop");
        Py_XDECREF(entry);
        return -1;
    }
    int r = call(loop, s_tick, entry);
    Py_DECREF(entry);
    return r;
}

/* `if self._loop._embedder is not None: self._loop.work_queued()`: 0, or -1. */
static int wake_embedder(PyObject *self) {
    PyObject *loop = GET(self, F_LOOP);
    if (loop == NULL) {
        PyErr_SetString(PyExc_AttributeError, "_loop");
        return -1;
    }
    PyObject *embedder = PyObject_GetAttr(loop, s_embedder);
    int r = embedder == NULL ? -1 : embedder == Py_None ? 0 : call(loop, s_work_queued, NULL);
    Py_XDECREF(embedder);
    return r;
}

#define FALLBACK(method) return pn_accel_call_impl(impls[method], self, args, nargs, kwnames)

/* opts[key] when it is a bool, else NULL; borrowed. */
static PyObject *bool_option(PyObject *opts, PyObject *key) {
    PyObject *v = PyDict_GetItemWithError(opts, key);
    PyErr_Clear();
    return is_bool(v) ? v : NULL;
}

/* Server._on_connection(status) with Socket._accepted(), for a plain server (of that
 * class) without max_connections or keep-alive, whose sockets are plain: the new
 * socket takes a slot and a handle, the connection is accepted into it (reading from
 * the start unless pause_on_connect), and 'connection' is emitted. */
static PyObject *server_on_connection(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *opts = SERVER(self, S_OPTIONS), *address = SERVER(self, S_ADDRESS), *kind = SERVER(self, S_KIND),
             *fresh = SERVER(self, S_FRESH_SOCKET), *count = SERVER(self, S_CONNECTIONS);
    if (nargs != 1 || kwnames != NULL || Py_TYPE(self) != server_type || int_zero(args[0]) != 1 ||
        SERVER(self, S_MAX_CONNECTIONS) != Py_None || opts == NULL || !PyDict_CheckExact(opts) ||
        int_zero(address) != 0 || kind == NULL || !PyLong_CheckExact(kind) || count == NULL ||
        !PyLong_CheckExact(count) || fresh == NULL || !plain(fresh))
        FALLBACK(M_ON_CONNECTION);
    PyObject *no_delay = bool_option(opts, s_no_delay), *pause = bool_option(opts, s_pause_on_connect),
             *keep_alive = bool_option(opts, s_keep_alive);
    pn_handle_t *server = PyLong_AsVoidPtr(address);
    long handle_kind = PyLong_AsLong(kind);
    if (no_delay == NULL || pause == NULL || keep_alive != Py_False || server == NULL ||
        (handle_kind != PN_TCP && handle_kind != PN_PIPE)) {
        PyErr_Clear();
        FALLBACK(M_ON_CONNECTION);
    }
    /* (what the allocations from here on may run, a finalizer in a collection, could
     * change the server: its values are read again where they are used) */
    PyObject *sock = PyObject_CallMethodNoArgs(fresh, s_fresh_copy);
    if (sock == NULL)
        return NULL;
    long slot = Py_TYPE(sock) == plain_type ? pn_accel_register(sock) : -1;
    pn_handle_t *h = slot >= 0 ? pn_handle_new(server->loop, (int)handle_kind, (int)slot) : NULL;
    if (h == NULL) {
        if (slot >= 0 && pn_accel_release_slot(slot) == 0) /* as _dispatch.open_handle */
            PyErr_SetString(PyExc_MemoryError, "libuv handle");
        Py_DECREF(sock);
        return PyErr_Occurred() ? NULL : pn_accel_call_impl(impls[M_ON_CONNECTION], self, args, nargs, kwnames);
    }
    PyObject *nodelay = handle_kind == PN_TCP ? no_delay : Py_False;
    int err = pn_accept(server, h, nodelay == Py_True, pause == Py_False);
    if (err) { /* the peer went away before we got to it (or reading could not start) */
        PyObject *ignored = PyObject_CallOneArg(ignored_type, SERVER(self, S_LOOP));
        int r = ignored != NULL ? pn_accel_set_object((int)slot, ignored) : -1;
        Py_XDECREF(ignored);
        pn_handle_close(h);
        Py_DECREF(sock);
        return r < 0 ? NULL : Py_NewRef(Py_None);
    }
    PyObject *handle_address = PyLong_FromVoidPtr(h), *slot_number = PyLong_FromLong(slot),
             *kind_number = PyLong_FromLong(handle_kind);
    PyObject *cast_args[2] = {handle_ctype, handle_address};
    PyObject *handle = handle_address != NULL ? PyObject_Vectorcall(cast, cast_args, 2, NULL) : NULL;
    count = SERVER(self, S_CONNECTIONS);
    PyObject *more = count != NULL ? PyNumber_Add(count, one) : NULL;
    if (handle == NULL || slot_number == NULL || kind_number == NULL || more == NULL) {
        Py_XDECREF(handle_address);
        Py_XDECREF(slot_number);
        Py_XDECREF(kind_number);
        Py_XDECREF(handle);
        Py_XDECREF(more);
        Py_DECREF(sock);
        return NULL; /* (the handle is the slot's: a close of the loop frees it) */
    }
    set_taken(sock, F_KIND, kind_number);
    set(sock, F_NO_DELAY, nodelay);
    set_taken(sock, F_HANDLE, handle);
    set(sock, F_ADDRESS, handle_address);
    set_taken(sock, F_WRITE_FAST, handle_address);
    set_taken(sock, F_SLOT, slot_number);
    set(sock, F_SERVER, self);
    if (pause == Py_True) {
        set(sock, F_FLOWING, Py_False);
        set(sock, F_PAUSED, Py_True);
    } else {
        set(sock, F_READING, Py_True);
    }
    Py_XSETREF(SERVER(self, S_CONNECTIONS), more);
    int r = emit_if(self, 1, s_ev_connection, sock);
    Py_DECREF(sock);
    return r < 0 ? NULL : Py_NewRef(Py_None);
}

/* 1 if this thread is the stream's (Stream._check_thread passes), 0 if not or C
 * cannot tell. */
static int own_thread(PyObject *self) {
    PyObject *tid = GET(self, F_TID);
    int own = tid != NULL && PyLong_CheckExact(tid) && PyLong_AsUnsignedLong(tid) == PyThread_get_thread_ident();
    PyErr_Clear(); /* (a thread id that is no unsigned long: Python says what is wrong) */
    return own;
}

/* self._events["data"] when it is a list of one listener, else NULL; borrowed. */
static PyObject *single_data_listener(PyObject *self) {
    PyObject *events = GET(self, F_EVENTS);
    PyObject *listeners = events != NULL && PyDict_CheckExact(events) ? PyDict_GetItemWithError(events, s_ev_data) : NULL;
    PyErr_Clear(); /* (a key's __eq__ that raised: the Python method sees it again) */
    return listeners != NULL && PyList_CheckExact(listeners) && PyList_GET_SIZE(listeners) == 1 ? listeners : NULL;
}

/* Stream._listeners_changed("data") for a first 'data' listener, which starts the
 * flow: resume(), which ticks _resume_now. */
static PyObject *listeners_changed(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (nargs != 1 || kwnames != NULL || !PyUnicode_CheckExact(args[0]) || !plain(self) ||
        PyUnicode_Compare(args[0], s_ev_data) != 0)
        FALLBACK(M_LISTENERS_CHANGED);
    PyObject *listeners = single_data_listener(self), *pipes = GET(self, F_PIPES),
             *readable_listening = GET(self, F_READABLE_LISTENING), *scheduled = GET(self, F_RESUME_SCHEDULED);
    if (listeners == NULL || int_zero(GET(self, F_NDATA)) != 1 || pipes == NULL || !PyTuple_CheckExact(pipes) ||
        PyTuple_GET_SIZE(pipes) != 0 || GET(self, F_FLOWING) != Py_None || !is_bool(readable_listening) ||
        !is_bool(scheduled) || !own_thread(self))
        FALLBACK(M_LISTENERS_CHANGED);
    set(self, F_NDATA, one);
    set(self, F_FLOWING, readable_listening == Py_False ? Py_True : Py_False);
    if (scheduled == Py_False) {
        set(self, F_RESUME_SCHEDULED, Py_True);
        if (tick(self, s_resume_now) < 0)
            return NULL;
    }
    set(self, F_PAUSED, Py_False);
    Py_RETURN_NONE;
}

/* Stream._resume_now() with _flow() and _update_read_fast(), for a flowing stream
 * with one 'data' listener, reading and nothing buffered: the listener becomes the
 * one C hands reads to. */
static PyObject *resume_now(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (nargs != 0 || kwnames != NULL || !plain(self) || has_listeners(self, s_ev_resume) != 0)
        FALLBACK(M_RESUME_NOW);
    PyObject *listeners = single_data_listener(self), *address = GET(self, F_ADDRESS);
    if (listeners == NULL || GET(self, F_DESTROYED) != Py_False || GET(self, F_FLOWING) != Py_True ||
        empty(GET(self, F_RBUF)) != 1 || int_zero(GET(self, F_RLEN)) != 1 || GET(self, F_R_ENDED) != Py_False ||
        GET(self, F_READING) != Py_True || GET(self, F_DECODER) != Py_None || int_zero(address) != 0)
        FALLBACK(M_RESUME_NOW);
    pn_handle_t *h = PyLong_AsVoidPtr(address);
    if (h == NULL)
        return NULL;
    PyObject *listener = Py_NewRef(PyList_GET_ITEM(listeners, 0)); /* (held: a drop below may run code) */
    set(self, F_RESUME_SCHEDULED, Py_False);
    if (GET(self, F_READ_FAST) != listener) {
        set(self, F_READ_FAST, listener);
        pn_handle_set_listener(h, (uintptr_t)listener);
    }
    Py_DECREF(listener);
    Py_RETURN_NONE;
}

/* Stream._on_read_error(nread) at EOF, with _end_soon(). */
static PyObject *on_read_error(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (nargs != 1 || kwnames != NULL || !PyLong_CheckExact(args[0]) || !plain(self))
        FALLBACK(M_ON_READ_ERROR);
    long nread = PyLong_AsLong(args[0]);
    PyErr_Clear(); /* (an int too big for a long is no EOF) */
    PyObject *scheduled = GET(self, F_END_SCHEDULED), *emitted = GET(self, F_END_EMITTED);
    if (nread != UV_EOF || GET(self, F_DECODER) != Py_None || GET(self, F_READABLE_LISTENING) != Py_False ||
        int_zero(GET(self, F_RLEN)) != 1 || !is_bool(scheduled) || !is_bool(emitted))
        FALLBACK(M_ON_READ_ERROR);
    int end_soon = scheduled == Py_False && emitted == Py_False;
    set(self, F_READING, Py_False);
    set(self, F_R_ENDED, Py_True);
    if (end_soon) {
        set(self, F_END_SCHEDULED, Py_True);
        if (tick(self, s_emit_end) < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

/* bool(self.<f>), as Python tests it: 1, 0, or -1 with an exception. */
static int truthy(PyObject *self, enum field f) {
    PyObject *v = GET(self, f);
    if (v == NULL) {
        PyErr_SetString(PyExc_AttributeError, field_names[f]);
        return -1;
    }
    Py_INCREF(v);
    int r = PyObject_IsTrue(v);
    Py_DECREF(v);
    return r;
}

/* Stream._writable_now(), on whatever the slots hold (user code may have run): 1, 0,
 * or -1 with an exception. */
static int writable_now(PyObject *self) {
    int on = truthy(self, F_WRITABLE_ON);
    if (on <= 0)
        return on;
    int destroyed = truthy(self, F_DESTROYED);
    if (destroyed != 0)
        return destroyed < 0 ? -1 : 0;
    PyObject *errored = GET(self, F_ERRORED);
    if (errored == NULL) {
        PyErr_SetString(PyExc_AttributeError, "_errored");
        return -1;
    }
    if (errored != Py_None)
        return 0;
    int ending = truthy(self, F_ENDING);
    return ending < 0 ? -1 : !ending;
}

/* What the end's steps end with: `if self.<other_done> or not self.<other_on>:
 * self.destroy()`, the other side being done ('finish' after 'end', or 'end' after
 * 'finish') or absent. None, or NULL with an exception. */
static PyObject *destroy_if_done(PyObject *self, enum field other_done, enum field other_on) {
    int done = truthy(self, other_done);
    int on = done == 0 ? truthy(self, other_on) : 1;
    if (done < 0 || on < 0)
        return NULL;
    return done || !on ? call_for_effect(self, s_destroy, NULL) : Py_NewRef(Py_None);
}

/* Stream._emit_end(). What an 'end' listener does to the stream is read afterwards,
 * as the Python method reads it. */
static PyObject *emit_end(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    int listening = nargs == 0 && kwnames == NULL && plain(self) ? has_listeners(self, s_ev_end) : -1;
    PyObject *half_open = GET(self, F_ALLOW_HALF_OPEN);
    if (listening < 0 || GET(self, F_ERRORED) != Py_None || GET(self, F_CLOSE_EMITTED) != Py_False ||
        GET(self, F_END_EMITTED) != Py_False || int_zero(GET(self, F_RLEN)) != 1 || !is_bool(half_open))
        FALLBACK(M_EMIT_END);
    set(self, F_END_SCHEDULED, Py_False);
    set(self, F_END_EMITTED, Py_True);
    if (half_open == Py_False)
        set(self, F_AFTER_FIN, Py_True); /* before 'end', as Node's own first 'end' listener does it */
    if (emit_if(self, listening, s_ev_end, NULL) < 0)
        return NULL;
    int after_fin = truthy(self, F_AFTER_FIN);
    int writable = after_fin > 0 ? writable_now(self) : 0;
    if (after_fin < 0 || writable < 0)
        return NULL;
    if (after_fin && writable)
        return tick(self, s_end_after_fin) < 0 ? NULL : Py_NewRef(Py_None);
    return destroy_if_done(self, F_FINISHED, F_WRITABLE_ON);
}

/* Stream._end_after_fin(): _end(), _maybe_finish(True) and _final(), which shuts down. */
static PyObject *end_after_fin(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (nargs != 0 || kwnames != NULL || !plain(self))
        FALLBACK(M_END_AFTER_FIN);
    int writable = writable_now(self);
    if (writable <= 0)
        return writable < 0 ? NULL : Py_NewRef(Py_None);
    PyObject *address = GET(self, F_ADDRESS);
    int rest = need_finish_but_ending(self);
    if (int_zero(GET(self, F_CORKED)) != 1 || GET(self, F_FINAL_CALLED) != Py_False ||
        GET(self, F_CONNECTING) != Py_False || int_zero(address) != 0 || rest < 0)
        FALLBACK(M_END_AFTER_FIN);
    pn_handle_t *h = PyLong_AsVoidPtr(address);
    if (h == NULL)
        return NULL;
    set(self, F_ENDING, Py_True);
    set(self, F_WRITE_FAST, Py_False);
    if (!rest)
        Py_RETURN_NONE;
    set(self, F_FINAL_CALLED, Py_True);
    int err = pn_shutdown(h);
    if (err) {
        PyObject *status = PyLong_FromLong(err == UV_ENOTCONN ? 0 : err);
        PyObject *r = status != NULL ? call_for_effect(self, s_final_done, status) : NULL;
        Py_XDECREF(status);
        return r;
    }
    return wake_embedder(self) < 0 ? NULL : Py_NewRef(Py_None);
}

/* Stream._on_shutdown(status). */
static PyObject *on_shutdown(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    int listening = nargs == 1 && kwnames == NULL && plain(self) ? has_listeners(self, s_ev_prefinish) : -1;
    int finishing = listening >= 0 ? need_finish(self) : -1;
    if (finishing < 0)
        FALLBACK(M_ON_SHUTDOWN);
    if (!finishing)
        Py_RETURN_NONE;
    set(self, F_PREFINISHED, Py_True);
    if (emit_if(self, listening, s_ev_prefinish, NULL) < 0)
        return NULL;
    PyObject *pending = GET(self, F_PENDING);
    PyObject *more = pending != NULL ? PyNumber_Add(pending, one) : NULL;
    if (more == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_AttributeError, "_pending");
        return NULL;
    }
    set_taken(self, F_PENDING, more);
    return tick(self, s_finish) < 0 ? NULL : Py_NewRef(Py_None);
}

/* Stream._finish(): the end() callbacks, then 'finish', then what they did to the
 * stream read as the Python method reads it. */
static PyObject *finish(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    int listening = nargs == 0 && kwnames == NULL && plain(self) ? has_listeners(self, s_ev_finish) : -1;
    PyObject *pending = GET(self, F_PENDING), *callbacks = GET(self, F_END_CBS);
    int finishing = listening >= 0 ? need_finish(self) : -1;
    if (finishing < 0 || pending == NULL || !PyLong_CheckExact(pending) || callbacks == NULL ||
        !(PyTuple_CheckExact(callbacks) || PyList_CheckExact(callbacks)))
        FALLBACK(M_FINISH);
    PyObject *less = PyNumber_Subtract(pending, one);
    if (less == NULL)
        return NULL;
    int still_pending = PyObject_IsTrue(less);
    set_taken(self, F_PENDING, less);
    if (!finishing || still_pending)
        Py_RETURN_NONE;
    set(self, F_FINISHED, Py_True);
    Py_INCREF(callbacks);
    set(self, F_END_CBS, no_args);
    PyObject *fast = PySequence_Fast(callbacks, "end callbacks");
    Py_DECREF(callbacks);
    if (fast == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
        PyObject *cb = PySequence_Fast_GET_ITEM(fast, i);
        PyObject *r = cb != Py_None ? PyObject_CallOneArg(cb, Py_None) : Py_NewRef(Py_None);
        if (r == NULL) {
            Py_DECREF(fast);
            return NULL;
        }
        Py_DECREF(r);
    }
    Py_DECREF(fast);
    PyObject *events = GET(self, F_EVENTS); /* (asked now: a callback may have added a listener) */
    Py_XINCREF(events);
    int listening_now = events != NULL ? PySequence_Contains(events, s_ev_finish) : -1;
    Py_XDECREF(events);
    if (listening_now < 0) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_AttributeError, "_events");
        return NULL;
    }
    if (emit_if(self, listening_now, s_ev_finish, NULL) < 0)
        return NULL;
    return destroy_if_done(self, F_END_EMITTED, F_READABLE_ON);
}

/* Stream._emit_close(had_error). */
static PyObject *emit_close(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    int listening = nargs == 1 && kwnames == NULL ? has_listeners(self, s_ev_close) : -1;
    if (listening < 0)
        FALLBACK(M_EMIT_CLOSE);
    set(self, F_CLOSE_EMITTED, Py_True);
    return emit_if(self, listening, s_ev_close, args[0]) < 0 ? NULL : Py_NewRef(Py_None);
}

/* _Closing._on_closed(): the stream's _emit_close(had_error). */
static PyObject *closing_on_closed(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *stream = *slot_at(self, closing_off[C_STREAM]), *had_error = *slot_at(self, closing_off[C_HAD_ERROR]);
    if (nargs != 0 || kwnames != NULL || stream == NULL || had_error == NULL)
        FALLBACK(M_CLOSING_ON_CLOSED);
    return call_for_effect(stream, s_emit_close, had_error);
}

/* Server._connection_closed(), for a plain server. */
static int connection_closed(PyObject *server) {
    PyObject *count = SERVER(server, S_CONNECTIONS);
    if (Py_TYPE(server) != server_type || count == NULL || !PyLong_CheckExact(count))
        return call(server, s_connection_closed, NULL);
    PyObject *less = PyNumber_Subtract(count, one);
    if (less == NULL)
        return -1;
    Py_XSETREF(SERVER(server, S_CONNECTIONS), less);
    /* (a listening server goes on) */
    return SERVER(server, S_HANDLE) != Py_None ? 0 : call(server, s_emit_close_if_drained, NULL);
}

/* A new _Closing(self, False). */
static PyObject *new_closing(PyObject *self) {
    PyObject *closing = closing_type->tp_alloc(closing_type, 0);
    if (closing == NULL)
        return NULL;
    PyObject *values[C_COUNT] = {GET(self, F_LOOP), self, GET(self, F_INFLIGHT), Py_False, Py_None};
    for (int i = 0; i < C_COUNT; i++) {
        Py_XINCREF(values[i]);
        *slot_at(closing, closing_off[i]) = values[i];
    }
    return closing;
}

/* Socket.destroy() and Stream.destroy() without an error, for a socket with a handle
 * and nothing held back (no writes waiting, no end() callback, no connection attempt,
 * no timer of its own, no reset asked for). */
static PyObject *socket_destroy(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (kwnames != NULL || nargs > 1 || (nargs == 1 && args[0] != Py_None) || !plain(self))
        FALLBACK(M_DESTROY);
    PyObject *address = GET(self, F_ADDRESS), *slot = GET(self, F_SLOT), *server = GET(self, F_SERVER);
    long index = slot != NULL && PyLong_CheckExact(slot) ? PyLong_AsLong(slot) : -1;
    if (!own_thread(self) || GET(self, F_DESTROYED) != Py_False || GET(self, F_ATTEMPTS) != Py_None ||
        GET(self, F_HANDLELESS_TIMER) != Py_None || GET(self, F_CONNECTING) != Py_False ||
        GET(self, F_RESET_ON_DESTROY) != Py_False || empty(GET(self, F_WBUF)) != 1 ||
        empty(GET(self, F_END_CBS)) != 1 || int_zero(address) != 0 || index < 0 || index > INT_MAX || server == NULL) {
        PyErr_Clear(); /* (a slot number too big for a long) */
        FALLBACK(M_DESTROY);
    }
    pn_handle_t *h = PyLong_AsVoidPtr(address);
    PyObject *nread = PyLong_FromUnsignedLongLong(pn_stream_bytes_read(h));
    PyObject *nwritten = PyLong_FromUnsignedLongLong(pn_stream_bytes_written(h));
    PyObject *closing = new_closing(self);
    if (h == NULL || nread == NULL || nwritten == NULL || closing == NULL) {
        Py_XDECREF(nread);
        Py_XDECREF(nwritten);
        Py_XDECREF(closing);
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_SystemError, "pyuv_net: a socket's handle or slot is wrong");
        return NULL;
    }
    Py_INCREF(server); /* (held: dropping the old values below may run code) */
    set(self, F_DESTROYED, Py_True);
    set(self, F_CONNECTING, Py_False);
    set(self, F_WRITE_FAST, Py_False);
    set(self, F_READ_FAST, Py_None); /* (C's reference to it goes with the handle) */
    set(self, F_READING, Py_False);
    set(self, F_HANDLE, Py_None);
    set(self, F_ADDRESS, zero);
    set_taken(self, F_BYTES_READ, nread); /* the handle's counters go with it */
    set_taken(self, F_BYTES_WRITTEN, nwritten);
    int failed = pn_accel_set_object((int)index, closing);
    Py_DECREF(closing);
    set(self, F_SLOT, minus_one);
    pn_handle_close(h);
    failed = failed || wake_embedder(self) < 0;
    set(self, F_SERVER, Py_None);
    if (!failed && server != Py_None)
        failed = connection_closed(server) < 0;
    Py_DECREF(server);
    set(self, F_SOCKNAME, Py_None); /* Socket.destroy's own part */
    return failed ? NULL : Py_NewRef(self);
}

#define METHOD(name, fn) {name, (PyCFunction)(void (*)(void))fn, METH_FASTCALL | METH_KEYWORDS, NULL}
static PyMethodDef methods[] = {
    [M_ON_CONNECTION] = METHOD("_on_connection", server_on_connection),
    [M_LISTENERS_CHANGED] = METHOD("_listeners_changed", listeners_changed),
    [M_RESUME_NOW] = METHOD("_resume_now", resume_now),
    [M_ON_READ_ERROR] = METHOD("_on_read_error", on_read_error),
    [M_EMIT_END] = METHOD("_emit_end", emit_end),
    [M_END_AFTER_FIN] = METHOD("_end_after_fin", end_after_fin),
    [M_ON_SHUTDOWN] = METHOD("_on_shutdown", on_shutdown),
    [M_FINISH] = METHOD("_finish", finish),
    [M_EMIT_CLOSE] = METHOD("_emit_close", emit_close),
    [M_CLOSING_ON_CLOSED] = METHOD("_on_closed", closing_on_closed),
    [M_DESTROY] = {"destroy", (PyCFunction)(void (*)(void))socket_destroy, METH_FASTCALL | METH_KEYWORDS,
                   "destroy($self, /, error=None)\n--\n\n"
                   "Closes the handle at once; 'error' (if given) then 'close'(had_error)."},
};

static int find_offsets(PyTypeObject *type, const char *const *names, Py_ssize_t *offsets, int count) {
    for (int i = 0; i < count; i++)
        if ((offsets[i] = pn_accel_slot_offset(type, names[i])) < 0)
            return -1;
    return 0;
}

/* config[key], borrowed, or NULL with an exception. */
static PyObject *config_item(PyObject *config, const char *key) {
    PyObject *v = PyDict_GetItemString(config, key);
    if (v == NULL && !PyErr_Occurred())
        PyErr_Format(PyExc_KeyError, "%s", key);
    return v;
}

/* Which class each method goes on. */
static const char *const method_owners[M_COUNT] = {
    [M_ON_CONNECTION] = "Server", [M_CLOSING_ON_CLOSED] = "_Closing", [M_DESTROY] = "Socket",
    [M_LISTENERS_CHANGED] = "Stream", [M_RESUME_NOW] = "Stream", [M_ON_READ_ERROR] = "Stream",
    [M_EMIT_END] = "Stream", [M_END_AFTER_FIN] = "Stream", [M_ON_SHUTDOWN] = "Stream",
    [M_FINISH] = "Stream", [M_EMIT_CLOSE] = "Stream"};

int pn_accel_install_lifecycle(uintptr_t config_dict) {
    PyObject *config = (PyObject *)config_dict;
    PyObject *socket = config_item(config, "Socket"), *server = config_item(config, "Server"),
             *closing = config_item(config, "_Closing"), *impl = config_item(config, "impls"),
             *inlined_list = config_item(config, "inlined"), *deque = config_item(config, "deque"),
             *ignored = config_item(config, "Ignored"), *cast_fn = config_item(config, "cast"),
             *ctype = config_item(config, "handle_type");
    PyObject *closing_slots = closing != NULL ? PyObject_GetAttrString(closing, "__slots__") : NULL;
    /* (_Closing's __slots__ are the five its __init__ sets, and no more) */
    int bad = ctype == NULL || closing_slots == NULL || !PyTuple_Check(closing_slots) ||
              PyTuple_GET_SIZE(closing_slots) != C_COUNT || !PyList_CheckExact(impl) ||
              PyList_GET_SIZE(impl) != M_COUNT || !PyList_CheckExact(inlined_list);
    Py_XDECREF(closing_slots);
    bad = bad || find_offsets((PyTypeObject *)socket, field_names, off, F_COUNT) < 0 ||
          find_offsets((PyTypeObject *)closing, closing_names, closing_off, C_COUNT) < 0 ||
          find_offsets((PyTypeObject *)server, server_names, server_off, S_COUNT) < 0;
    bad = bad || pn_accel_intern(&s_tick, "_tick") || pn_accel_intern(&s_embedder, "_embedder") ||
          pn_accel_intern(&s_work_queued, "work_queued") || pn_accel_intern(&s_destroy, "destroy") ||
          pn_accel_intern(&s_final_done, "_final_done") || pn_accel_intern(&s_connection_closed, "_connection_closed") ||
          pn_accel_intern(&s_emit_close_if_drained, "_emit_close_if_drained") ||
          pn_accel_intern(&s_fresh_copy, "_fresh_copy") || pn_accel_intern(&s_emit_close, "_emit_close") ||
          pn_accel_intern(&s_no_delay, "no_delay") || pn_accel_intern(&s_pause_on_connect, "pause_on_connect") ||
          pn_accel_intern(&s_keep_alive, "keep_alive") || pn_accel_intern(&s_ev_connection, "connection") ||
          pn_accel_intern(&s_emit_end, "_emit_end") || pn_accel_intern(&s_end_after_fin, "_end_after_fin") ||
          pn_accel_intern(&s_finish, "_finish") || pn_accel_intern(&s_resume_now, "_resume_now") ||
          pn_accel_intern(&s_emit, "emit") || pn_accel_intern(&s_ev_data, "data") ||
          pn_accel_intern(&s_ev_resume, "resume") || pn_accel_intern(&s_ev_end, "end") ||
          pn_accel_intern(&s_ev_prefinish, "prefinish") || pn_accel_intern(&s_ev_finish, "finish") ||
          pn_accel_intern(&s_ev_close, "close");
    if (!bad && one == NULL) {
        one = PyLong_FromLong(1);
        zero = PyLong_FromLong(0);
        minus_one = PyLong_FromLong(-1);
        no_args = PyTuple_New(0);
        bad = one == NULL || zero == NULL || minus_one == NULL || no_args == NULL;
    }
    if (bad) {
        PyErr_Clear();
        return UV_EINVAL;
    }
    for (int i = 0; i < M_COUNT; i++)
        Py_XSETREF(impls[i], Py_NewRef(PyList_GET_ITEM(impl, i)));
    Py_XSETREF(inlined, Py_NewRef(inlined_list));
    Py_XSETREF(closing_type, (PyTypeObject *)Py_NewRef(closing));
    Py_XSETREF(server_type, (PyTypeObject *)Py_NewRef(server));
    Py_XSETREF(deque_type, (PyTypeObject *)Py_NewRef(deque));
    Py_XSETREF(plain_type, (PyTypeObject *)Py_NewRef(socket));
    Py_XSETREF(ignored_type, Py_NewRef(ignored));
    Py_XSETREF(cast, Py_NewRef(cast_fn));
    Py_XSETREF(handle_ctype, Py_NewRef(ctype));
    plain_tag = changed_tag = 0;
    int r = 0;
    for (int i = 0; i < M_COUNT && r == 0; i++) {
        PyObject *owner = config_item(config, method_owners[i]);
        r = owner != NULL ? pn_accel_install_method((PyTypeObject *)owner, &methods[i]) : UV_EINVAL;
    }
    PyErr_Clear();
    return r;
}

#else /* PyPy: the Python methods */

int pn_accel_install_lifecycle(uintptr_t config) { return UV_ENOSYS; }

#endif
