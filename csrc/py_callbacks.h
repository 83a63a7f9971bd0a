/* Callbacks from C into Python. build_ffi.py declares each one to cffi as
 * extern "Python+C", so they are implemented in Python (@ffi.def_extern in
 * pyuv_net/_dispatch.py) and callable from the C files. One call per libuv event;
 * `id` is the slot of the Python object that owns the handle or request. */
#ifndef PYUV_NET_PY_CALLBACKS_H
#define PYUV_NET_PY_CALLBACKS_H

void pn_py_read(int id, ssize_t nread, const char *data);
void pn_py_reads(int first_id, int count);
void pn_py_written(int id, int status);
void pn_py_connected(int id, int status);
void pn_py_shut(int id, int status);
void pn_py_connection(int id, int status);
void pn_py_closed(int id);
void pn_py_timer(int id);
void pn_py_idle_timeout(int id);
void pn_py_check(int id);
void pn_py_async(int id);
void pn_py_poll(int id, int status);
void pn_py_resolved(int id, int status, const char *answers);

#endif
