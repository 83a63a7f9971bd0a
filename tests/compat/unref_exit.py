# An unref'd listening server does not keep the process alive, but its
# accepted connections (ref'd) do: the process runs until the last
# connection has closed, then exits with the server still listening.
# unref()/ref() return their object.
from _common import net, setup, rec, guard

setup('server', 'client', 'main')
guard()


def on_connection(s):
    rec('server', 'connection')
    s.on('end', lambda: rec('server', 'conn end'))
    s.on('close', lambda had: rec('server', 'conn close', had, server.listening))


server = net.create_server(on_connection)
rec('main', 'unref returns server', server.unref() is server)


def on_listen():
    rec('server', 'listening')
    c = net.connect(server.address()['port'], '127.0.0.1')

    def ending():
        rec('client', 'ending')
        c.end()

    def on_connect():
        rec('client', 'connect')
        t = net.set_timeout(ending, 200)
        rec('main', 'timer unref returns timer', t.unref() is t, t.has_ref())
        rec('main', 'timer ref returns timer', t.ref() is t, t.has_ref())
        # a socket ref/unref pair returns the socket
        rec('main', 'socket unref/ref', c.unref() is c, c.ref() is c)
    c.on('connect', on_connect)
    c.on('end', lambda: rec('client', 'end'))
    c.on('close', lambda had: rec('client', 'close', had))


server.listen(0, '127.0.0.1', callback=on_listen)
net.run()
# net.run() returning is Node's 'beforeExit': the loop has run dry.
rec('main', 'loop done', server.listening)
