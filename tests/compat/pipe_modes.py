# readable_all / writable_all on a local-socket server: the socket file's mode
# bits under umask 077 (none -> 700, readable -> 744, writable -> 722, both ->
# 766), set by the time 'listening' fires; each server still accepts.
import atexit
import os
import shutil
import stat
import tempfile

from _common import net, setup, rec, guard

setup('modes')
guard()

os.umask(0o077)
tmpdir = tempfile.mkdtemp(prefix='compat-')
atexit.register(shutil.rmtree, tmpdir, True)

cases = [
    ('none', {}),
    ('readable', {'readableAll': True}),
    ('writable', {'writableAll': True}),
    ('both', {'readable_all': True, 'writable_all': True}),
    ('both-false', {'readableAll': False, 'writableAll': False}),
]


def run(i):
    if i == len(cases):
        return
    name, opts = cases[i]
    p = os.path.join(tmpdir, name + '.sock')
    s = net.create_server(lambda c: c.end('ok'))

    def on_listening():
        st = os.stat(p)
        rec('modes', name, '%o' % (st.st_mode & 0o777), stat.S_ISSOCK(st.st_mode))
        c = net.connect(p)
        got = []
        c.on('data', lambda d: got.append(d.decode()))

        def on_close(had):
            rec('modes', name, 'client got', ''.join(got))
            s.close(lambda err: run(i + 1))
        c.on('close', on_close)
    s.listen(dict(opts, path=p), callback=on_listening)


run(0)
net.run()
