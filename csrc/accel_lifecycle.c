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
 * and the user's end() or end(data) (Stream.end: write, then _end()'s step), and pipe()
 * from one socket to another (further down).
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
    F_RESUME_SCHEDULED, F_RBUF, F_KIND, F_NO_DELAY, F_NEED_DRAIN, F_WHWM, F_COUNT
};
static const char *const field_names[F_COUNT] = {
    "_tid", "_loop", "_events", "_handle", "_address", "_slot", "_server", "_read_fast", "_write_fast",
    "_reading", "_r_ended", "_end_emitted", "_end_scheduled", "_rlen", "_decoder", "_readable_listening",
    "_allow_half_open", "_readable_on", "_writable_on", "_after_fin", "_corked", "_wlen", "_wbuf",
    "_inflight", "_pending", "_ending", "_final_called", "_prefinished", "_finished", "_end_cbs",
    "_destroyed", "_errored", "_close_emitted", "_reset_on_destroy", "_connecting", "_handleless_timer",
    "_bytes_read", "_bytes_written", "_attempts", "_sockname", "_ndata", "_pipes", "_flowing", "_paused",
    "_resume_scheduled", "_rbuf", "_kind", "_no_delay", "_need_drain", "_whwm"};
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

/* PipeFlow (pyuv_net/_pipe_flow.py): one source -> destination pipe. */
enum flow_field { P_SOURCE, P_DESTINATION, P_END, P_AWAITING_DRAIN, P_DRAINING, P_CLEANED, P_LINKED, P_COUNT };
static const char *const flow_names[P_COUNT] = {
    "source", "destination", "_end", "_awaiting_drain", "_draining", "_cleaned", "_linked"};
static Py_ssize_t flow_off[P_COUNT];
static PyTypeObject *flow_type;

static PyTypeObject *plain_type;  /* Socket */
static PyObject *inlined;         /* [(class, name, function)]: the Python code the steps stand for */
/* The version tags of plain_type and flow_type when their methods were found pyuv_net's,
 * and when found changed. */
static unsigned int plain_tag, flow_tag, changed_tag, changed_flow_tag;
static PyTypeObject *deque_type;
/* The steps, as C methods, in the order of the Python methods given to install. */
enum {
    M_ON_CONNECTION, M_LISTENERS_CHANGED, M_RESUME_NOW, M_ON_READ_ERROR, M_EMIT_END, M_END_AFTER_FIN,
    M_ON_SHUTDOWN, M_FINISH, M_EMIT_CLOSE, M_CLOSING_ON_CLOSED, M_DESTROY, M_END, M_PIPE, M_FLOW_SOURCE_END,
    M_FLOW_DEST_FINISH, M_FLOW_ON_UNPIPE, M_COUNT
};

static PyObject *impls[M_COUNT]; /* the Python methods, in the order of `methods` below */

static PyObject *one, *zero, *minus_one, *no_args;
/* Names: of methods, attributes, options and (s_ev_*) events. */
static PyObject *s_tick, *s_embedder, *s_work_queued, *s_destroy, *s_final_done, *s_emit_close_if_drained,
    *s_connection_closed, *s_fresh_copy, *s_emit_close, *s_no_delay, *s_pause_on_connect, *s_keep_alive,
    *s_emit_end, *s_end_after_fin, *s_finish, *s_resume_now, *s_emit, *s_end, *s_on, *s_once,
    *s_prepend_listener, *s_remove_listener, *s_pause, *s_resume, *s_writable_need_drain, *s_flow_pause,
    *s_link_in_c, *s_stop, *s_unlink, *s_cleanup, *s_on_drain, *s_on_source_end, *s_on_unpipe, *s_on_data,
    *s_on_dest_error, *s_on_dest_close, *s_on_dest_finish, *s_ev_connection, *s_ev_data, *s_ev_resume,
    *s_ev_end, *s_ev_prefinish, *s_ev_finish, *s_ev_close, *s_ev_pipe, *s_ev_unpipe, *s_ev_error, *s_ev_pause,
    *s_ev_drain, *s_write, *s_end_now;
static const struct {
    PyObject **name;
    const char *text;
} names[] = {
    {&s_tick, "_tick"}, {&s_embedder, "_embedder"}, {&s_work_queued, "work_queued"}, {&s_destroy, "destroy"},
    {&s_final_done, "_final_done"}, {&s_emit_close_if_drained, "_emit_close_if_drained"},
    {&s_connection_closed, "_connection_closed"}, {&s_fresh_copy, "_fresh_copy"}, {&s_emit_close, "_emit_close"},
    {&s_no_delay, "no_delay"}, {&s_pause_on_connect, "pause_on_connect"}, {&s_keep_alive, "keep_alive"},
    {&s_emit_end, "_emit_end"}, {&s_end_after_fin, "_end_after_fin"}, {&s_finish, "_finish"},
    {&s_resume_now, "_resume_now"}, {&s_emit, "emit"}, {&s_end, "end"}, {&s_on, "on"}, {&s_once, "once"},
    {&s_prepend_listener, "prepend_listener"}, {&s_remove_listener, "remove_listener"}, {&s_pause, "pause"},
    {&s_resume, "resume"}, {&s_writable_need_drain, "writable_need_drain"}, {&s_flow_pause, "_pause"},
    {&s_link_in_c, "_link_in_c"}, {&s_stop, "stop"}, {&s_unlink, "_unlink"}, {&s_cleanup, "_cleanup"},
    {&s_on_drain, "_on_drain"}, {&s_on_source_end, "_on_source_end"}, {&s_on_unpipe, "_on_unpipe"},
    {&s_on_data, "_on_data"}, {&s_on_dest_error, "_on_dest_error"}, {&s_on_dest_close, "_on_dest_close"},
    {&s_on_dest_finish, "_on_dest_finish"}, {&s_ev_connection, "connection"}, {&s_ev_data, "data"},
    {&s_ev_resume, "resume"}, {&s_ev_end, "end"}, {&s_ev_prefinish, "prefinish"}, {&s_ev_finish, "finish"},
    {&s_ev_close, "close"}, {&s_ev_pipe, "pipe"}, {&s_ev_unpipe, "unpipe"}, {&s_ev_error, "error"},
    {&s_ev_pause, "pause"}, {&s_ev_drain, "drain"}, {&s_write, "write"}, {&s_end_now, "_end"}};

#define GET(self, f) (*slot_at((self), off[f]))
#define SERVER(self, f) (*slot_at((self), server_off[f]))
#define FLOW(self, f) (*slot_at((self), flow_off[f]))

/* The slot at `offset` = value (a new reference is taken). */
static void set_at(PyObject *obj, Py_ssize_t offset, PyObject *value) {
    Py_INCREF(value);
    Py_XSETREF(*slot_at(obj, offset), value);
}

/* self.<f> = value (a new reference is taken). */
static void set(PyObject *self, enum field f, PyObject *value) { set_at(self, off[f], value); }

/* self.<f> = value, taking the caller's reference. */
static void set_taken(PyObject *self, enum field f, PyObject *value) { Py_XSETREF(*slot_at(self, off[f]), value); }

/* flow.<f> = value (a new reference is taken). */
static void set_flow(PyObject *flow, enum flow_field f, PyObject *value) { set_at(flow, flow_off[f], value); }

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

/* Whether Socket's and PipeFlow's methods are still the ones the steps stand for:
 * checked again whenever either class (or a base) changes. */
static int methods_unchanged(void) {
    int same = 1;
    for (Py_ssize_t i = 0; same && i < PyList_GET_SIZE(inlined); i++) {
        PyObject *entry = PyList_GET_ITEM(inlined, i);
        PyObject *now = PyObject_GetAttr(PyTuple_GET_ITEM(entry, 0), PyTuple_GET_ITEM(entry, 1));
        same = now == PyTuple_GET_ITEM(entry, 2);
        Py_XDECREF(now);
    }
    PyErr_Clear();
    PyObject *lookup = PyObject_GetAttr((PyObject *)plain_type, s_destroy); /* (gives each a tag) */
    Py_XDECREF(lookup);
    lookup = PyObject_GetAttr((PyObject *)flow_type, s_stop);
    Py_XDECREF(lookup);
    PyErr_Clear();
    *(same ? &plain_tag : &changed_tag) = pn_version_tag(plain_type);
    *(same ? &flow_tag : &changed_flow_tag) = pn_version_tag(flow_type);
    return same;
}

/* 1 when self is a plain Socket: its class itself, with the methods of pyuv_net (and
 * PipeFlow's too, which pipe() stands for). */
static int plain(PyObject *self) {
    if (Py_TYPE(self) != plain_type)
        return 0;
    unsigned int tag = pn_version_tag(plain_type), ftag = pn_version_tag(flow_type);
    if (tag != 0 && ftag != 0 && tag == plain_tag && ftag == flow_tag)
        return 1;
    if (tag != 0 && ftag != 0 && tag == changed_tag && ftag == changed_flow_tag)
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

/* emitter.<method>(*args) for its effect, `method` one of EventEmitter's: its C
 * function called straight on a plain Socket (whose method it then is), else looked up
 * by name. 0, or -1 with an exception. */
static int emitter_call(PyObject *emitter, enum pn_emitter_method method, PyObject *const *args, Py_ssize_t nargs) {
    static PyObject **const method_names[] = {
        [PN_EMITTER_ON] = &s_on, [PN_EMITTER_ONCE] = &s_once, [PN_EMITTER_PREPEND] = &s_prepend_listener,
        [PN_EMITTER_REMOVE] = &s_remove_listener, [PN_EMITTER_EMIT] = &s_emit};
    PyObject *stack[4] = {emitter};
    Py_INCREF(emitter);
    PyObject *r;
    if (plain(emitter)) {
        r = pn_accel_emitter(method, emitter, args, nargs);
    } else {
        memcpy(stack + 1, args, sizeof(PyObject *) * (size_t)nargs); /* (nargs <= 3) */
        r = PyObject_VectorcallMethod(*method_names[method], stack, (size_t)nargs + 1, NULL);
    }
    Py_DECREF(emitter);
    Py_XDECREF(r);
    return r != NULL ? 0 : -1;
}

/* self.emit(event) (or self.emit(event, arg)) if `listening`: 0, or -1 with an
 * exception. */
static int emit_if(PyObject *self, int listening, PyObject *event, PyObject *arg) {
    PyObject *args[2] = {event, arg};
    return listening ? emitter_call(self, PN_EMITTER_EMIT, args, arg != NULL ? 2 : 1) : 0;
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

/* 1 when `pipes` (a stream's _pipes) is a tuple of PipeFlows none of which is linked
 * in C (so that _unlink_pipes() does nothing), 0 if not. */
static int pipes_unlinked(PyObject *pipes) {
    if (pipes == NULL || !PyTuple_CheckExact(pipes))
        return 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(pipes); i++) {
        PyObject *flow = PyTuple_GET_ITEM(pipes, i);
        if (Py_TYPE(flow) != flow_type || FLOW(flow, P_LINKED) != Py_False)
            return 0;
    }
    return 1;
}

/* self._set_read_fast(None): C reads to no listener. 0, or -1 with an exception. */
static int no_read_fast(PyObject *self) {
    PyObject *fast = GET(self, F_READ_FAST), *address = GET(self, F_ADDRESS);
    if (fast == Py_None)
        return 0;
    if (fast == NULL || int_zero(address) < 0) {
        PyErr_SetString(PyExc_AttributeError, fast == NULL ? "_read_fast" : "_address");
        return -1;
    }
    pn_handle_t *h = int_zero(address) ? NULL : PyLong_AsVoidPtr(address);
    if (h == NULL && PyErr_Occurred())
        return -1;
    set(self, F_READ_FAST, Py_None);
    if (h != NULL)
        pn_handle_set_listener(h, 0);
    return 0;
}

/* Stream._listeners_changed("data") for a first 'data' listener, which starts the
 * flow (resume(), which ticks _resume_now), and for the last one's removal (C then
 * reads to no listener). */
static PyObject *listeners_changed(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (nargs != 1 || kwnames != NULL || !PyUnicode_CheckExact(args[0]) || !plain(self) ||
        PyUnicode_Compare(args[0], s_ev_data) != 0)
        FALLBACK(M_LISTENERS_CHANGED);
    PyObject *ndata = GET(self, F_NDATA);
    if (has_listeners(self, s_ev_data) == 0 && int_zero(ndata) == 0 && PyLong_AsLong(ndata) > 0 &&
        GET(self, F_READ_FAST) != NULL && int_zero(GET(self, F_ADDRESS)) >= 0) {
        set(self, F_NDATA, zero);
        return no_read_fast(self) < 0 ? NULL : Py_NewRef(Py_None);
    }
    PyErr_Clear(); /* (an _ndata too big for a long) */
    PyObject *listeners = single_data_listener(self), *pipes = GET(self, F_PIPES),
             *readable_listening = GET(self, F_READABLE_LISTENING), *scheduled = GET(self, F_RESUME_SCHEDULED);
    if (listeners == NULL || int_zero(ndata) != 1 || !pipes_unlinked(pipes) || GET(self, F_FLOWING) != Py_None ||
        !is_bool(readable_listening) || !is_bool(scheduled) || !own_thread(self))
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

/* bool(obj.<name>), the slot at `offset`, as Python tests it: 1, 0, or -1 with an
 * exception. */
static int slot_truthy(PyObject *obj, Py_ssize_t offset, const char *name) {
    PyObject *v = *slot_at(obj, offset);
    if (v == NULL) {
        PyErr_SetString(PyExc_AttributeError, name);
        return -1;
    }
    Py_INCREF(v);
    int r = PyObject_IsTrue(v);
    Py_DECREF(v);
    return r;
}

/* bool(self.<f>): 1, 0, or -1 with an exception. */
static int truthy(PyObject *self, enum field f) { return slot_truthy(self, off[f], field_names[f]); }

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

/* Stream._end() for a stream that is writable (not ending, not destroyed, no error),
 * with _maybe_finish(True) and _final(), which shuts down: 1, 0 when C cannot (nothing
 * was changed), or -1 with an exception. */
static int end_writable(PyObject *self) {
    PyObject *address = GET(self, F_ADDRESS);
    int rest = need_finish_but_ending(self);
    if (int_zero(GET(self, F_CORKED)) != 1 || GET(self, F_FINAL_CALLED) != Py_False ||
        GET(self, F_CONNECTING) != Py_False || GET(self, F_WRITABLE_ON) != Py_True || int_zero(address) != 0 ||
        rest < 0)
        return 0;
    pn_handle_t *h = PyLong_AsVoidPtr(address);
    if (h == NULL)
        return -1;
    set(self, F_ENDING, Py_True);
    set(self, F_WRITE_FAST, Py_False);
    if (!rest)
        return 1;
    set(self, F_FINAL_CALLED, Py_True);
    int err = pn_shutdown(h);
    if (err) {
        PyObject *status = PyLong_FromLong(err == UV_ENOTCONN ? 0 : err);
        int r = status != NULL ? call(self, s_final_done, status) : -1;
        Py_XDECREF(status);
        return r < 0 ? -1 : 1;
    }
    return wake_embedder(self) < 0 ? -1 : 1;
}

/* Stream._end_after_fin(): _end() if the stream is still writable. */
static PyObject *end_after_fin(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (nargs != 0 || kwnames != NULL || !plain(self))
        FALLBACK(M_END_AFTER_FIN);
    int writable = writable_now(self);
    int ended = writable > 0 ? end_writable(self) : writable;
    if (ended == 0 && writable > 0)
        FALLBACK(M_END_AFTER_FIN);
    return ended < 0 ? NULL : Py_NewRef(Py_None);
}

/* Stream.end() and end(data) with bytes: _check_thread(), write(data), then _end(),
 * which changes nothing (its error goes to no callback) on a stream already ending or
 * with an error; the Python _end() for a state C does not know. */
static PyObject *stream_end(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (nargs > 1 || kwnames != NULL || (nargs == 1 && !PyBytes_CheckExact(args[0])) || !plain(self) ||
        !own_thread(self) || int_zero(GET(self, F_CORKED)) != 1)
        FALLBACK(M_END);
    if (nargs == 1 && call(self, s_write, args[0]) < 0)
        return NULL;
    PyObject *ending = GET(self, F_ENDING), *errored = GET(self, F_ERRORED), *destroyed = GET(self, F_DESTROYED);
    int ended = 0;
    if (plain(self) && int_zero(GET(self, F_CORKED)) == 1 && is_bool(ending) && errored != NULL &&
        destroyed == Py_False)
        ended = ending == Py_True || errored != Py_None ? 1 : end_writable(self);
    if (ended == 0)
        ended = call(self, s_end_now, NULL) < 0 ? -1 : 1;
    return ended < 0 ? NULL : Py_NewRef(self);
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

#ifdef Py_GIL_DISABLED
#define PN_EXACT_REFCOUNTS 0 /* (split between threads: such cycles are left to the collector) */
#else
#define PN_EXACT_REFCOUNTS 1
#endif

/* Whether `listener` is a method bound to `self` (a Python function's or a C method's),
 * referred to by nothing but the one list it is in. */
static int own_method_held_once(PyObject *listener, PyObject *self) {
    if (Py_REFCNT(listener) != 1)
        return 0;
    if (PyMethod_Check(listener))
        return PyMethod_GET_SELF(listener) == self;
    return PyCFunction_Check(listener) && PyCFunction_GET_SELF(listener) == self;
}

/* A closed Socket whose only references are `known` ones and its own methods among
 * its listeners (`sock.on('data', sock.write)`) is a reference cycle no code can reach
 * once those go: its listeners are dropped here, so it is freed with its last known
 * reference instead of by a garbage collection later, which cost a quarter of a
 * connection's instructions. Unobservable: no weak reference to it, no finalizer (its
 * class itself), its listener dict and lists reachable only through it (refcount 1),
 * and every other reference to it counted; anything less certain is left to the
 * collector. */
static void drop_unreachable_listeners(PyObject *self, Py_ssize_t known) {
    PyObject *events = GET(self, F_EVENTS);
    if (!PN_EXACT_REFCOUNTS || Py_TYPE(self) != plain_type || *slot_at(self, plain_type->tp_weaklistoffset) != NULL ||
        events == NULL || !PyDict_CheckExact(events) || Py_REFCNT(events) != 1)
        return;
    Py_ssize_t pos = 0, own = 0;
    PyObject *event, *listeners;
    while (PyDict_Next(events, &pos, &event, &listeners)) {
        if (!PyList_CheckExact(listeners) || Py_REFCNT(listeners) != 1)
            continue; /* (its methods of self are then not counted: self is left alone) */
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(listeners); i++)
            own += own_method_held_once(PyList_GET_ITEM(listeners, i), self);
    }
    if (own > 0 && Py_REFCNT(self) == known + own)
        PyDict_Clear(events);
}

/* _Closing._on_closed(): the stream's _emit_close(had_error); then a socket only its
 * own listeners refer to (besides this _Closing) lets them go. */
static PyObject *closing_on_closed(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *stream = *slot_at(self, closing_off[C_STREAM]), *had_error = *slot_at(self, closing_off[C_HAD_ERROR]);
    if (nargs != 0 || kwnames != NULL || stream == NULL || had_error == NULL)
        FALLBACK(M_CLOSING_ON_CLOSED);
    if (call(stream, s_emit_close, had_error) < 0)
        return NULL;
    stream = *slot_at(self, closing_off[C_STREAM]); /* (as 'close' listeners left it) */
    if (stream != NULL)
        drop_unreachable_listeners(stream, 1);
    Py_RETURN_NONE;
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
    PyObject *values[C_COUNT] = {GET(self, F_LOOP), self, GET(self, F_INFLIGHT), Py_False, Py_None};
    return pn_accel_new_with_slots(closing_type, closing_off, values, C_COUNT);
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

/* ---- pipe() between two plain sockets (pyuv_net/_pipe_flow.py) ----------------------
 *
 *   pipe(dest)         Stream.pipe         a PipeFlow; its start(): listeners, 'pipe',
 *                                          _link_in_c() (the bytes then go in C)
 *   the source's 'end' _on_source_end      dest.end()
 *   dest's 'finish'    _on_dest_finish     stop(): unlinked, the source paused; 'unpipe'
 *   'unpipe'           _on_unpipe          _cleanup(): the listeners removed
 */

/* emitter.<method>(event, flow.<name>), for its effect: 0, or -1 with an exception. */
static int with_listener(PyObject *emitter, enum pn_emitter_method method, PyObject *event, PyObject *flow,
                         PyObject *name) {
    PyObject *listener = PyObject_GetAttr(flow, name);
    if (listener == NULL)
        return -1;
    PyObject *args[2] = {event, listener};
    int r = emitter_call(emitter, method, args, 2);
    Py_DECREF(listener);
    return r;
}

/* A new PipeFlow(source, destination, end), as its __init__ makes it. */
static PyObject *new_flow(PyObject *source, PyObject *destination, PyObject *end) {
    PyObject *values[P_COUNT] = {source, destination, end, Py_False, Py_False, Py_False, Py_False};
    return pn_accel_new_with_slots(flow_type, flow_off, values, P_COUNT);
}

/* flow._link_in_c(): linked in C when both ends are plain sockets and nothing else
 * watches the data (what the Python method checks); the Python method when C cannot
 * tell. 0, or -1 with an exception. */
static int link_in_c(PyObject *flow) {
    PyObject *src = FLOW(flow, P_SOURCE), *dest = FLOW(flow, P_DESTINATION);
    if (src == NULL || dest == NULL || !plain(src) || !plain(dest))
        return call(flow, s_link_in_c, NULL);
    PyObject *events = GET(src, F_EVENTS), *hwm = GET(dest, F_WHWM);
    PyObject *data = events != NULL && PyDict_CheckExact(events) ? PyDict_GetItemWithError(events, s_ev_data) : NULL;
    size_t mark = hwm != NULL && PyLong_CheckExact(hwm) ? PyLong_AsSize_t(hwm) : (size_t)-1;
    int src_free = int_zero(GET(src, F_ADDRESS)), dest_free = int_zero(GET(dest, F_ADDRESS)),
        unread = int_zero(GET(src, F_RLEN)), uncorked = int_zero(GET(dest, F_CORKED)),
        unbuffered = empty(GET(dest, F_WBUF));
    PyObject *flowing = GET(src, F_FLOWING), *ending = GET(dest, F_ENDING);
    PyObject *src_connecting = GET(src, F_CONNECTING), *dest_connecting = GET(dest, F_CONNECTING);
    if (PyErr_Occurred() || mark == (size_t)-1 || (data != NULL && !PyList_CheckExact(data)) || src_free < 0 ||
        dest_free < 0 || unread < 0 || uncorked < 0 || unbuffered < 0 || (flowing != Py_None && !is_bool(flowing)) ||
        !is_bool(ending) ||
        !is_bool(src_connecting) || !is_bool(dest_connecting) || GET(dest, F_PIPES) == NULL ||
        GET(src, F_DECODER) == NULL) {
        PyErr_Clear();
        return call(flow, s_link_in_c, NULL);
    }
    if (GET(dest, F_PIPES) == Py_None || src_free || dest_free || src_connecting == Py_True ||
        dest_connecting == Py_True || GET(src, F_DECODER) != Py_None || !unread || data == NULL ||
        PyList_GET_SIZE(data) != 1 || !uncorked || ending == Py_True || !unbuffered || flowing != Py_True)
        return 0;
    pn_handle_t *from = PyLong_AsVoidPtr(GET(src, F_ADDRESS)), *to = PyLong_AsVoidPtr(GET(dest, F_ADDRESS));
    if (from == NULL || to == NULL)
        return -1;
    set_flow(flow, P_LINKED, pn_pipe_start(from, to, mark) == 0 ? Py_True : Py_False);
    return 0;
}

/* bool(getattr(obj, name, default)): 1, 0, or -1 with an exception. */
static int attr_truthy(PyObject *obj, PyObject *name, int default_value) {
    PyObject *v = PyObject_GetAttr(obj, name);
    if (v == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        return default_value;
    }
    int r = v != NULL ? PyObject_IsTrue(v) : -1;
    Py_XDECREF(v);
    return r;
}

/* Stream.pipe(destination, end=True) from one plain socket to another: _check_thread(),
 * then a PipeFlow and its start(), each listener added and 'pipe' emitted as the Python
 * methods do, and the flow linked in C. */
static PyObject *stream_pipe(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *end = nargs == 2 ? args[1] : Py_True;
    if (kwnames != NULL || nargs < 1 || nargs > 2 || !is_bool(end) || !plain(self) || !plain(args[0]) ||
        !own_thread(self) || GET(self, F_END_EMITTED) != Py_False || GET(self, F_PIPES) == NULL ||
        !PyTuple_CheckExact(GET(self, F_PIPES)))
        FALLBACK(M_PIPE);
    PyObject *dest = args[0], *pipes = GET(self, F_PIPES);
    PyObject *flow = new_flow(self, dest, end);
    Py_ssize_t n = PyTuple_GET_SIZE(pipes);
    PyObject *more = flow != NULL ? PyTuple_New(n + 1) : NULL;
    if (more == NULL) {
        Py_XDECREF(flow);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        PyTuple_SET_ITEM(more, i, Py_NewRef(PyTuple_GET_ITEM(pipes, i)));
    PyTuple_SET_ITEM(more, n, Py_NewRef(flow));
    set_taken(self, F_PIPES, more);
    Py_INCREF(dest); /* (held, as the flow: the listeners may run any code) */
    int r = with_listener(self, PN_EMITTER_ONCE, s_ev_end, flow, s_on_source_end);
    r = r < 0 ? r : with_listener(dest, PN_EMITTER_ON, s_ev_unpipe, flow, s_on_unpipe);
    r = r < 0 ? r : with_listener(self, PN_EMITTER_ON, s_ev_data, flow, s_on_data);
    r = r < 0 ? r : with_listener(dest, PN_EMITTER_PREPEND, s_ev_error, flow, s_on_dest_error);
    r = r < 0 ? r : with_listener(dest, PN_EMITTER_ONCE, s_ev_close, flow, s_on_dest_close);
    r = r < 0 ? r : with_listener(dest, PN_EMITTER_ONCE, s_ev_finish, flow, s_on_dest_finish);
    r = r < 0 ? r : emit_if(dest, 1, s_ev_pipe, self);
    /* (a destination no longer plain is asked as Python asks it) */
    int need_drain = r < 0 ? -1 : plain(dest) ? truthy(dest, F_NEED_DRAIN) : attr_truthy(dest, s_writable_need_drain, 0);
    int flowing = need_drain == 0 ? truthy(self, F_FLOWING) : 1;
    if (need_drain < 0 || flowing < 0)
        r = -1;
    else if (need_drain)
        r = call(flow, s_flow_pause, NULL);
    else if (!flowing)
        r = call(self, s_resume, NULL);
    r = r < 0 ? r : link_in_c(flow);
    Py_DECREF(flow);
    if (r < 0) {
        Py_DECREF(dest);
        return NULL;
    }
    return dest;
}

/* PipeFlow._on_source_end(*args): dest.end() (end=True). */
static PyObject *flow_on_source_end(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *dest = FLOW(self, P_DESTINATION);
    if (kwnames != NULL || Py_TYPE(self) != flow_type || FLOW(self, P_END) != Py_True || dest == NULL)
        FALLBACK(M_FLOW_SOURCE_END);
    return call_for_effect(dest, s_end, NULL);
}

/* flow._unlink(): the bytes no longer go in C. 0, or -1 with an exception. */
static int unlink_flow(PyObject *flow) {
    PyObject *linked = FLOW(flow, P_LINKED), *src = FLOW(flow, P_SOURCE);
    if (linked == Py_False)
        return 0;
    if (linked != Py_True || src == NULL || !plain(src) || int_zero(GET(src, F_ADDRESS)) < 0)
        return call(flow, s_unlink, NULL);
    set_flow(flow, P_LINKED, Py_False);
    if (int_zero(GET(src, F_ADDRESS)) == 0) { /* (the source has its handle) */
        pn_handle_t *h = PyLong_AsVoidPtr(GET(src, F_ADDRESS));
        if (h == NULL)
            return -1;
        pn_pipe_stop(h);
    }
    return 0;
}

/* src.pause() for a plain socket of this thread without pipes: not flowing, C reads to
 * no listener, 'pause' if listened to; the Python method if C cannot tell. 0, or -1
 * with an exception. */
static int pause_stream(PyObject *self) {
    PyObject *pipes = plain(self) && own_thread(self) ? GET(self, F_PIPES) : NULL;
    int listening = pipes != NULL && PyTuple_CheckExact(pipes) && PyTuple_GET_SIZE(pipes) == 0
                        ? has_listeners(self, s_ev_pause)
                        : -1;
    if (listening < 0 || GET(self, F_READ_FAST) == NULL || int_zero(GET(self, F_ADDRESS)) < 0)
        return call(self, s_pause, NULL);
    if (GET(self, F_FLOWING) != Py_False) {
        set(self, F_FLOWING, Py_False);
        if (no_read_fast(self) < 0 || emit_if(self, listening, s_ev_pause, NULL) < 0)
            return -1;
    }
    set(self, F_PAUSED, Py_True);
    return 0;
}

/* flow.stop(), Node's src.unpipe(dest), from a plain source: unlinked, out of the
 * source's _pipes, the source paused if no pipe is left; 'unpipe' on the destination.
 * The Python method if C cannot tell. None, or NULL with an exception. */
static PyObject *flow_stop(PyObject *flow) {
    PyObject *src = FLOW(flow, P_SOURCE);
    PyObject *pipes = src != NULL && plain(src) ? GET(src, F_PIPES) : NULL;
    if (pipes == NULL || !PyTuple_CheckExact(pipes))
        return call_for_effect(flow, s_stop, NULL);
    int found = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(pipes); i++) {
        PyObject *item = PyTuple_GET_ITEM(pipes, i);
        if (Py_TYPE(item) != flow_type) /* (a PipeFlow is equal to itself only) */
            return call_for_effect(flow, s_stop, NULL);
        found = found || item == flow;
    }
    if (!found)
        Py_RETURN_NONE;
    Py_INCREF(src);
    PyObject *rest = unlink_flow(flow) == 0 ? PyList_New(0) : NULL;
    PyObject *iter = rest != NULL ? PyObject_GetIter(GET(src, F_PIPES)) : NULL;
    PyObject *item;
    int r = iter != NULL ? 0 : -1;
    while (r == 0 && (item = PyIter_Next(iter)) != NULL) {
        r = item != flow ? PyList_Append(rest, item) : 0;
        Py_DECREF(item);
    }
    PyObject *kept = r == 0 && !PyErr_Occurred() ? PyList_AsTuple(rest) : NULL;
    Py_XDECREF(iter);
    Py_XDECREF(rest);
    if (kept != NULL) {
        set_taken(src, F_PIPES, kept);
        r = PyTuple_GET_SIZE(kept) == 0 ? pause_stream(src) : 0;
        PyObject *dest = FLOW(flow, P_DESTINATION);
        if (r == 0 && dest == NULL)
            PyErr_SetString(PyExc_AttributeError, "destination");
        Py_XINCREF(dest);
        r = r < 0 || dest == NULL ? -1 : emit_if(dest, 1, s_ev_unpipe, src);
        Py_XDECREF(dest);
    }
    Py_DECREF(src);
    return kept != NULL && r == 0 ? Py_NewRef(Py_None) : NULL;
}

/* PipeFlow._on_dest_finish(*args): the 'close' listener removed, then stop(). */
static PyObject *flow_on_dest_finish(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *dest = FLOW(self, P_DESTINATION);
    if (kwnames != NULL || Py_TYPE(self) != flow_type || dest == NULL)
        FALLBACK(M_FLOW_DEST_FINISH);
    if (with_listener(dest, PN_EMITTER_REMOVE, s_ev_close, self, s_on_dest_close) < 0)
        return NULL;
    return flow_stop(self);
}

/* bool(flow.<f>): 1, 0, or -1 with an exception. */
static int flow_truthy(PyObject *flow, enum flow_field f) { return slot_truthy(flow, flow_off[f], flow_names[f]); }

/* The end of PipeFlow._cleanup(): `if self._draining and self._awaiting_drain and
 * getattr(dest, "writable_need_drain", True): self._on_drain()`. 0, or -1. */
static int drain_after_cleanup(PyObject *flow, PyObject *dest) {
    int draining = flow_truthy(flow, P_DRAINING);
    int awaiting = draining > 0 ? flow_truthy(flow, P_AWAITING_DRAIN) : draining;
    int need = awaiting > 0 ? attr_truthy(dest, s_writable_need_drain, 1) : awaiting;
    return need <= 0 ? need : call(flow, s_on_drain, NULL);
}

/* PipeFlow._on_unpipe(source, *info) with _cleanup(): for its own source, once, every
 * listener the flow added is removed, in the Python method's order. */
static PyObject *flow_on_unpipe(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyObject *cleaned = FLOW(self, P_CLEANED), *src = FLOW(self, P_SOURCE), *dest = FLOW(self, P_DESTINATION);
    if (kwnames != NULL || nargs < 1 || Py_TYPE(self) != flow_type || !is_bool(cleaned) || src == NULL ||
        dest == NULL)
        FALLBACK(M_FLOW_ON_UNPIPE);
    if (args[0] != src || cleaned == Py_True)
        Py_RETURN_NONE;
    Py_INCREF(src); /* (held: removing listeners may run code) */
    Py_INCREF(dest);
    int r = unlink_flow(self);
    r = r < 0 ? r : with_listener(dest, PN_EMITTER_REMOVE, s_ev_close, self, s_on_dest_close);
    r = r < 0 ? r : with_listener(dest, PN_EMITTER_REMOVE, s_ev_finish, self, s_on_dest_finish);
    int draining = r < 0 ? r : flow_truthy(self, P_DRAINING);
    r = draining <= 0 ? draining : with_listener(dest, PN_EMITTER_REMOVE, s_ev_drain, self, s_on_drain);
    r = r < 0 ? r : with_listener(dest, PN_EMITTER_REMOVE, s_ev_error, self, s_on_dest_error);
    r = r < 0 ? r : with_listener(dest, PN_EMITTER_REMOVE, s_ev_unpipe, self, s_on_unpipe);
    r = r < 0 ? r : with_listener(src, PN_EMITTER_REMOVE, s_ev_end, self, s_on_source_end);
    r = r < 0 ? r : with_listener(src, PN_EMITTER_REMOVE, s_ev_data, self, s_on_data);
    if (r == 0) {
        set_flow(self, P_CLEANED, Py_True);
        r = drain_after_cleanup(self, dest);
    }
    Py_DECREF(src);
    Py_DECREF(dest);
    return r < 0 ? NULL : Py_NewRef(Py_None);
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
    [M_END] = {"end", (PyCFunction)(void (*)(void))stream_end, METH_FASTCALL | METH_KEYWORDS,
               "end($self, /, data=None, encoding=None, callback=None)\n--\n\n"
               "Writes `data` if given, then half-closes (shutdown) once everything is sent;\n"
               "'finish' follows."},
    [M_PIPE] = {"pipe", (PyCFunction)(void (*)(void))stream_pipe, METH_FASTCALL | METH_KEYWORDS,
                "pipe($self, /, destination, end=True)\n--\n\n"
                "Writes everything read to `destination`, pausing while it is full; ends it\n"
                "when this ends (unless end=False). Returns the destination."},
    [M_FLOW_SOURCE_END] = METHOD("_on_source_end", flow_on_source_end),
    [M_FLOW_DEST_FINISH] = METHOD("_on_dest_finish", flow_on_dest_finish),
    [M_FLOW_ON_UNPIPE] = METHOD("_on_unpipe", flow_on_unpipe),
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
    [M_FINISH] = "Stream", [M_EMIT_CLOSE] = "Stream", [M_END] = "Stream", [M_PIPE] = "Stream",
    [M_FLOW_SOURCE_END] = "PipeFlow", [M_FLOW_DEST_FINISH] = "PipeFlow", [M_FLOW_ON_UNPIPE] = "PipeFlow"};

int pn_accel_install_lifecycle(uintptr_t config_dict) {
    PyObject *config = (PyObject *)config_dict;
    PyObject *socket = config_item(config, "Socket"), *server = config_item(config, "Server"),
             *closing = config_item(config, "_Closing"), *impl = config_item(config, "impls"),
             *inlined_list = config_item(config, "inlined"), *deque = config_item(config, "deque"),
             *ignored = config_item(config, "Ignored"), *cast_fn = config_item(config, "cast"),
             *ctype = config_item(config, "handle_type"), *flow = config_item(config, "PipeFlow");
    PyObject *closing_slots = closing != NULL ? PyObject_GetAttrString(closing, "__slots__") : NULL;
    /* (_Closing's __slots__ are the five its __init__ sets, and no more) */
    int bad = ctype == NULL || flow == NULL || closing_slots == NULL || !PyTuple_Check(closing_slots) ||
              PyTuple_GET_SIZE(closing_slots) != C_COUNT || !PyList_CheckExact(impl) ||
              PyList_GET_SIZE(impl) != M_COUNT || !PyList_CheckExact(inlined_list);
    Py_XDECREF(closing_slots);
    bad = bad || find_offsets((PyTypeObject *)socket, field_names, off, F_COUNT) < 0 ||
          find_offsets((PyTypeObject *)closing, closing_names, closing_off, C_COUNT) < 0 ||
          find_offsets((PyTypeObject *)server, server_names, server_off, S_COUNT) < 0 ||
          find_offsets((PyTypeObject *)flow, flow_names, flow_off, P_COUNT) < 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !bad; i++)
        bad = pn_accel_intern(names[i].name, names[i].text) < 0;
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
    Py_XSETREF(flow_type, (PyTypeObject *)Py_NewRef(flow));
    Py_XSETREF(ignored_type, Py_NewRef(ignored));
    Py_XSETREF(cast, Py_NewRef(cast_fn));
    Py_XSETREF(handle_ctype, Py_NewRef(ctype));
    plain_tag = flow_tag = changed_tag = changed_flow_tag = 0;
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
