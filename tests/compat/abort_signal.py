# signal= for listen and connect: aborting closes the server ('close', no
# 'listening' when aborted first) and destroys a connecting socket with an
# AbortError (code ABORT_ERR). (A connect whose signal aborted before it began
# connects anyway on node 20, a bug; tests/test_abort.py covers our behaviour.)
from _common import net, setup, rec, ecode, guard

setup('pre', 'server', 'client')
guard()

pre = net.AbortController()
pre.abort()
s0 = net.create_server()
s0.on('listening', lambda: rec('pre', 'listening'))
s0.on('close', lambda: rec('pre', 'close', s0.listening))
s0.listen({'port': 0, 'host': '127.0.0.1', 'signal': pre.signal})

ac = net.AbortController()
server = net.create_server()
server.on('close', lambda: rec('server', 'close', server.listening))


def on_listening():
    rec('server', 'listening')
    cc = net.AbortController()
    c = net.connect(port=server.address()['port'], host='127.0.0.1', signal=cc.signal)
    c.on('connect', lambda: rec('client', 'connect'))
    c.on('error', lambda e: rec('client', 'error', ecode(e), e.name, e.cause == 'why'))

    def on_close(had):
        rec('client', 'close', had, c.destroyed)
        ac.abort()
    c.on('close', on_close)
    cc.abort('why')
    rec('client', 'aborted', cc.signal.aborted, c.destroyed)


server.listen({'port': 0, 'host': '127.0.0.1', 'signal': ac.signal}, on_listening)
net.run()
